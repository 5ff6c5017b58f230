/* Search across both editions of the site, offline and from file:// (gba_utils/pipeline/search.py makes the documents).
 *
 * The box in the header is hidden in the HTML and shown by this script, so a page without JavaScript shows none.
 * MiniSearch and the documents (assets/search-index.js, a script defining window.GBA_SEARCH) are loaded with <script>
 * elements the first time the reader focuses the box or types, and indexed then. Chinese is cut into overlapping
 * character bigrams (a one-character run stays one term), other text into lower-cased words with English plurals
 * folded; queries are cut the same way and every term must match (AND); the last Latin word, or a single Chinese
 * character, also matches as a prefix. Results of this edition come first, the other edition's after them, each
 * marked with its language. Every piece of text is put in the page as a text node: nothing from the data is parsed
 * as HTML. */
(function () {
  'use strict';
  var form = document.querySelector('form.gba-search');
  var strings = document.getElementById('gba-ui');
  if (!form || !strings) return;
  var ui = JSON.parse(strings.textContent);
  var root = form.getAttribute('data-root') || '';
  var here = document.documentElement.lang;
  var input = form.querySelector('input[type="search"]');
  var panel = form.querySelector('.gba-search-panel');
  var list = form.querySelector('.gba-search-results');
  var status = form.querySelector('.gba-search-status');
  var live = form.querySelector('.gba-search-live');
  var PER_EDITION = 10;
  var WEIGHT = { chapter: 1, front: 0.8, profile: 0.6 };  // profiles and front pages repeat what chapters say
  var SNIPPET_BEFORE = 30, SNIPPET_LENGTH = 150;

  // ------------------------------------------------------------------ terms (the same for documents and queries)
  var HAN = '\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff';
  var RUN = new RegExp('([' + HAN + ']+)|((?:(?![' + HAN + '])[\\p{L}\\p{N}\\p{M}])+)', 'gu');
  var IS_HAN = new RegExp('^[' + HAN + ']');

  function tokenize(text) {
    var terms = [], m;
    var s = String(text).normalize('NFKC');
    RUN.lastIndex = 0;
    while ((m = RUN.exec(s))) {
      if (m[1]) {
        var run = m[1];
        if (run.length === 1) terms.push(run);
        for (var i = 0; i + 1 < run.length; i++) terms.push(run.substr(i, 2));
      } else {
        terms.push(m[2]);
      }
    }
    return terms;
  }

  function fold(w) {  // simple English plural folding: blockchains -> blockchain, cities -> city, matches -> match
    if (w.length > 4 && /ies$/.test(w)) return w.slice(0, -3) + 'y';
    if (/(ss|us|is)$/.test(w)) return w;
    if (w.length > 4 && /(ches|shes|sses|xes|zes)$/.test(w)) return w.slice(0, -2);
    if (w.length > 3 && /s$/.test(w)) return w.slice(0, -1);
    return w;
  }

  function processTerm(term) {
    var t = term.toLowerCase();
    return IS_HAN.test(t) ? t : fold(t);
  }

  function prefix(term, i, terms) {
    if (i !== terms.length - 1) return false;
    return IS_HAN.test(term) ? term.length === 1 : term.length >= 2;
  }

  // ------------------------------------------------------------------ loading and indexing, once
  var engine = null, loading = null;

  function load(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error(src)); };
      document.head.appendChild(s);
    });
  }

  function ready() {
    if (!loading) {
      say(ui.search_loading);
      loading = (window.MiniSearch ? Promise.resolve() : load(root + 'assets/vendor/minisearch/minisearch.umd.js'))
        .then(function () { return window.GBA_SEARCH ? null : load(root + 'assets/search-index.js'); })
        .then(function () {
          var data = window.GBA_SEARCH;
          var started = performance.now();
          var ms = new window.MiniSearch({
            fields: ['title', 'h', 't'],
            storeFields: [],
            tokenize: tokenize,
            processTerm: processTerm,
            extractField: function (doc, field) {
              if (field === 'id') return doc.id;
              if (field === 'title') return data.pages[doc.p].title;
              return doc[field];
            },
            searchOptions: {
              boost: { h: 3, title: 1.5 },
              combineWith: 'AND',
              prefix: prefix,
              boostDocument: function (id) { return WEIGHT[data.pages[data.docs[id].p].kind] || 1; }
            }
          });
          data.docs.forEach(function (d, i) { d.id = i; });
          ms.addAll(data.docs);
          form.setAttribute('data-index-ms', String(Math.round(performance.now() - started)));
          form.setAttribute('data-index-docs', String(data.docs.length));
          engine = { ms: ms, data: data };
          say('');
          return engine;
        })
        .catch(function () {
          say(ui.search_unavailable);
          loading = null;
        });
    }
    return loading;
  }

  // ------------------------------------------------------------------ snippets: text nodes, marks, language runs
  function marksIn(text, terms) {
    var out = [], m;
    RUN.lastIndex = 0;
    while ((m = RUN.exec(text))) {
      var at = m.index;
      if (m[1]) {
        var run = m[1];
        if (run.length === 1) {
          if (terms.has(run)) out.push([at, at + 1]);
          continue;
        }
        for (var i = 0; i + 1 < run.length; i++) {
          if (terms.has(run.substr(i, 2))) out.push([at + i, at + i + 2]);
        }
      } else if (terms.has(processTerm(m[2].normalize('NFKC')))) {
        out.push([at, at + m[2].length]);
      }
    }
    var merged = [];
    out.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    });
    return merged;
  }

  function covering(ranges, at) {
    for (var i = 0; i < ranges.length; i++) if (ranges[i][0] <= at && at < ranges[i][1]) return ranges[i];
    return null;
  }

  function append(parent, text, runs, marks, from, to) {
    // runs: [start, length, lang, code?] of text in another language than the page's, or set as code
    var cuts = [from, to];
    var spans = (runs || []).map(function (r) { return [r[0], r[0] + r[1], r[2], r[3]]; });
    spans.concat(marks).forEach(function (r) { cuts.push(r[0], r[1]); });
    cuts = cuts.filter(function (c) { return c >= from && c <= to; }).sort(function (a, b) { return a - b; });
    for (var i = 0; i + 1 < cuts.length; i++) {
      var a = cuts[i], b = cuts[i + 1];
      if (a === b) continue;
      var node = document.createTextNode(text.slice(a, b));
      if (covering(marks, a)) {
        var mark = document.createElement('mark');
        mark.appendChild(node);
        node = mark;
      }
      var run = covering(spans, a);
      if (run) {
        var span = document.createElement(run[3] ? 'code' : 'span');
        if (run[2]) span.lang = run[2];
        span.appendChild(node);
        node = span;
      }
      parent.appendChild(node);
    }
  }

  function snippet(parent, text, langs, terms) {
    var marks = marksIn(text, terms);
    var best = null;
    marks.forEach(function (r) { if (!best || r[1] - r[0] > best[1] - best[0]) best = r; });
    var from = best ? Math.max(0, best[0] - SNIPPET_BEFORE) : 0;
    if (from > 0) {  // start at a word's beginning when one is near
      var space = text.indexOf(' ', from);
      if (space !== -1 && space < (best ? best[0] : from + 12) && space - from < 12) from = space + 1;
    }
    var to = Math.min(text.length, from + SNIPPET_LENGTH);
    marks.forEach(function (r) { if (r[0] < to && to < r[1]) to = r[1]; });  // never cut a match in two
    if (to < text.length) {  // end at a word's end when one is near
      var end = text.indexOf(' ', to);
      if (end !== -1 && end - to < 12) to = end;
    }
    if (from > 0) parent.appendChild(document.createTextNode('… '));
    append(parent, text, langs, marks, from, to);
    if (to < text.length) parent.appendChild(document.createTextNode(' …'));
  }

  // ------------------------------------------------------------------ results
  function say(text) {
    live.textContent = text || '';
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }

  function close() {
    panel.hidden = true;
  }

  function open() {
    panel.hidden = false;
  }

  function item(result, data) {
    var doc = data.docs[result.id], page = data.pages[doc.p];
    var terms = new Set(result.terms);
    var li = document.createElement('li');
    var a = document.createElement('a');
    a.className = 'gba-hit';
    a.href = root + page.url + (doc.a ? '#' + doc.a : '');
    a.lang = page.lang;
    if (page.lang !== here) {
      a.hreflang = page.lang;
      var label = document.createElement('span');
      label.className = 'gba-hit-lang';
      label.textContent = (ui.lang_names || {})[page.lang] || page.lang;
      a.appendChild(label);
    }
    var where = document.createElement('span');
    where.className = 'gba-hit-where';
    var title = document.createElement('span');
    title.className = 'gba-hit-page';
    title.textContent = page.title;
    where.appendChild(title);
    if (doc.h) {
      where.appendChild(document.createTextNode(' › '));
      var heading = document.createElement('span');
      heading.className = 'gba-hit-section';
      var hmarks = marksIn(doc.h, terms);
      append(heading, doc.h, doc.hx, hmarks, 0, doc.h.length);
      where.appendChild(heading);
    }
    a.appendChild(where);
    if (doc.t) {
      var text = document.createElement('span');
      text.className = 'gba-hit-text';
      snippet(text, doc.t, doc.x, terms);
      a.appendChild(text);
    }
    li.appendChild(a);
    return li;
  }

  var pending = null, lastQuery = null;

  function run() {
    var q = input.value.trim();
    if (q === lastQuery && !panel.hidden) return;
    lastQuery = q;
    if (!q) {
      list.textContent = '';
      status.textContent = '';
      say('');
      close();
      return;
    }
    ready().then(function (e) {
      if (!e || input.value.trim() !== q) return;
      var results = tokenize(q).length ? e.ms.search(q) : [];
      var mine = [], theirs = [];
      results.forEach(function (r) { (e.data.pages[e.data.docs[r.id].p].lang === here ? mine : theirs).push(r); });
      list.textContent = '';
      mine.slice(0, PER_EDITION).concat(theirs.slice(0, PER_EDITION)).forEach(function (r) {
        list.appendChild(item(r, e.data));
      });
      var text;
      if (!results.length) text = fill(ui.search_none, { q: q });
      else {
        text = fill(ui.search_found, { here: mine.length, there: theirs.length });
        if (mine.length > PER_EDITION || theirs.length > PER_EDITION) text += fill(ui.search_first, { n: PER_EDITION });
      }
      status.textContent = text;
      say(text);
      form.setAttribute('data-query', q);  // which query the list shows (tests wait for it)
      open();
    });
  }

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll('a.gba-hit'));
  }

  window.gbaSearch = { tokenize: tokenize, processTerm: processTerm };  // for tests and the curious
  input.addEventListener('focus', function () { ready(); });
  input.addEventListener('input', function () {
    clearTimeout(pending);
    pending = setTimeout(run, 80);
  });
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var first = links()[0];
    if (first) first.click();
  });
  form.addEventListener('keydown', function (ev) {
    var all = links(), at = all.indexOf(document.activeElement);
    if (ev.key === 'Escape') {
      if (!panel.hidden) {
        close();
        input.focus();
        ev.preventDefault();
      }
    } else if (ev.key === 'ArrowDown') {
      if (panel.hidden && input.value.trim()) { lastQuery = null; run(); return; }
      if (all.length) {
        all[Math.min(at + 1, all.length - 1)].focus();
        ev.preventDefault();
      }
    } else if (ev.key === 'ArrowUp') {
      if (at > 0) all[at - 1].focus();
      else if (at === 0) input.focus();
      if (at >= 0) ev.preventDefault();
    }
  });
  form.addEventListener('focusout', function (ev) {
    if (!ev.relatedTarget || !form.contains(ev.relatedTarget)) close();
  });
  list.addEventListener('click', function () { close(); });
  input.addEventListener('click', function () {
    if (panel.hidden && input.value.trim()) { lastQuery = null; run(); }
  });
  form.hidden = false;
})();

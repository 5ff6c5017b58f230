/* Sort and filter long tables in the page (progressive enhancement: the static table stays complete without it).
 *
 * A table opts in through its registry entry (gba_utils/research/outputs.py, `explore`); the build marks its wrapper
 * with data-explore-selects (the columns that get a drop-down) and data-explore-lists (of those, the columns holding
 * a list, one option per item). DataTables (vendored, assets/vendor/datatables/) sorts and filters the existing rows; the
 * controls above the scrolling region are ours, labelled in the page's language (strings from the language records,
 * in the page's #gba-ui). Text is read from and written to the page as text nodes only. */
(function () {
  'use strict';
  var strings = document.getElementById('gba-ui');
  var wraps = document.querySelectorAll('.gba-table-wrap[data-explore-selects]');
  if (!wraps.length || !strings || !window.DataTable) return;
  var ui = JSON.parse(strings.textContent);
  var collator = new Intl.Collator(document.documentElement.lang, { numeric: true, sensitivity: 'base' });
  var ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

  function plain(html) {  // a cell's HTML as text for sorting and the free-text filter (nothing is parsed or run)
    return String(html == null ? '' : html)
      .replace(/<[^>]*>/g, '')
      .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, function (_, e) { return ENTITIES[e]; })
      .trim();
  }

  window.DataTable.type('gba-text', {
    order: {
      pre: plain,
      asc: function (a, b) { return collator.compare(a, b); },
      desc: function (a, b) { return collator.compare(b, a); }
    },
    search: plain
  });

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }

  function value(text) {  // a footnote mark (the star of an inferred domain) does not make another option
    return text.replace(/[*\u2020]+$/, '').trim();
  }

  function element(tag, attrs, text) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text != null) el.textContent = text;
    return el;
  }

  function setup(wrap) {
    var table = wrap.querySelector('table.gba-table');
    var region = wrap.querySelector('.gba-scroll');
    if (!table || !region) return;
    var heads = Array.prototype.slice.call(table.querySelectorAll('thead th'));
    var names = heads.map(function (th) { return th.textContent.trim(); });
    var selects = (wrap.getAttribute('data-explore-selects') || '').split(/\s+/).filter(Boolean).map(Number);
    var lists = (wrap.getAttribute('data-explore-lists') || '').split(/\s+/).filter(Boolean).map(Number);
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var number = wrap.querySelector('.gba-number');
    var id = wrap.id;

    // the controls, above the scrolling region
    var bar = element('div', {
      class: 'gba-explore',
      role: 'group',
      'aria-label': fill(ui.explore_group, { table: number ? number.textContent : '' })
    });
    var search = element('input', { type: 'search', id: id + '-q', autocomplete: 'off', spellcheck: 'false' });
    var searchLabel = element('label', { for: id + '-q' }, ui.explore_text);
    var field = element('div', { class: 'gba-explore-field' });
    field.appendChild(searchLabel);
    field.appendChild(search);
    bar.appendChild(field);
    var menus = selects.map(function (col) {
      var seen = new Set();
      rows.forEach(function (tr) {
        var cell = tr.cells[col];
        if (!cell) return;
        var text = cell.textContent;
        var parts = lists.indexOf(col) !== -1 ? text.split(ui.list_sep) : [text];
        parts.forEach(function (p) { if (value(p)) seen.add(value(p)); });
      });
      var menu = element('select', { id: id + '-f' + col });
      menu.appendChild(element('option', { value: '' }, ui.explore_all));
      Array.from(seen).sort(collator.compare).forEach(function (v) { menu.appendChild(element('option', { value: v }, v)); });
      var f = element('div', { class: 'gba-explore-field' });
      f.appendChild(element('label', { for: id + '-f' + col }, names[col]));
      f.appendChild(menu);
      bar.appendChild(f);
      return { col: col, menu: menu, list: lists.indexOf(col) !== -1 };
    });
    var reset = element('button', { type: 'button', class: 'gba-explore-reset' }, ui.explore_reset);
    bar.appendChild(reset);
    var count = element('p', { class: 'gba-explore-count', role: 'status' });
    bar.appendChild(count);
    wrap.insertBefore(bar, region);

    var textCols = heads.map(function (th, i) { return th.classList.contains('num') ? -1 : i; }).filter(function (i) { return i >= 0; });
    var dt = new window.DataTable(table, {
      paging: false,
      info: false,
      searching: true,
      ordering: true,
      order: [],
      autoWidth: false,
      layout: { topStart: null, topEnd: null, bottomStart: null, bottomEnd: null },
      columnDefs: [{ targets: textCols, type: 'gba-text' }],
      language: {
        aria: { orderable: ui.explore_sort, orderableReverse: ui.explore_sort_reverse, orderableRemove: ui.explore_sort_remove },
        emptyTable: ui.explore_none,
        zeroRecords: ui.explore_none,
        loadingRecords: ui.explore_none,
        processing: '',
        search: ui.explore_text,
        decimal: '.',
        thousands: ','
      }
    });

    dt.search.fixed('gba-selects', function (_search, _data, rowIdx) {
      var tr = dt.row(rowIdx).node();
      return menus.every(function (m) {
        if (!m.menu.value) return true;
        var text = tr.cells[m.col] ? tr.cells[m.col].textContent : '';
        var parts = m.list ? text.split(ui.list_sep) : [text];
        return parts.some(function (p) { return value(p) === m.menu.value; });
      });
    });

    function counted() {
      var shown = dt.rows({ search: 'applied' }).count(), total = dt.rows().count();
      count.textContent = fill(ui.explore_count, { shown: shown, total: total });
      wrap.setAttribute('data-explore-shown', String(shown));
    }
    dt.on('draw', counted);
    counted();

    var timer = null;
    search.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { dt.search(search.value).draw(); }, 120);
    });
    menus.forEach(function (m) { m.menu.addEventListener('change', function () { dt.draw(); }); });
    reset.addEventListener('click', function () {
      search.value = '';
      menus.forEach(function (m) { m.menu.value = ''; });
      dt.search('').order([]).draw();
    });
  }

  Array.prototype.forEach.call(wraps, setup);
})();

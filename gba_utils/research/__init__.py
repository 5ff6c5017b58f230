"""The research layer: what a notebook calls.

:mod:`.session` (``setup`` and the :class:`~.session.Session` a notebook talks to) sits on top; it uses
:mod:`.analysis` (derived tables), :mod:`.audit` (checks of the report against itself), :mod:`.figures` (figure
functions: data and an optional ``ax`` in, a Figure out), :mod:`.tables` and :mod:`.images` (byte-stable HTML and PNG),
:mod:`.outputs` (the registry of figures and tables), :mod:`.labels` (codes in one language), :mod:`.theme` (one look,
one bundled font) and :mod:`.params` (the notebooks' parameters).

Importing this package imports nothing heavy; the modules load pandas and matplotlib as they are used.
"""

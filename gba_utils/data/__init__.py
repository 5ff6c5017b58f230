"""The data layer: the tables described once (:mod:`.schema`), read (:mod:`.reading`), checked (:mod:`.validation`)
and loaded as one :class:`~.loading.Dataset` (:func:`load`). Also the filter language shared by validation, analysis and
audit (:mod:`.filters`), light readers for the build (:mod:`.codes`), and the generated descriptor (:mod:`.codebook`).

Importing this package does not import pandas: the build's workers only need :func:`data_version` and :mod:`.codes`.
"""

from __future__ import annotations

from .loading import Dataset, data_version, load

__all__ = ["Dataset", "data_version", "load"]

"""One exception hierarchy. Every error carries structured fields, not only a message."""

from __future__ import annotations

from dataclasses import dataclass, field


class GBAError(Exception):
    """Base class of every error this package raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or one row, or one file) of the data."""

    file: str
    row: int | None  # 1-based line number in the file (the header is line 1); None for file-level problems
    column: str | None
    value: object
    expected: str
    check: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", line {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        value = "" if self.value is None else ": got an empty cell" if self.value == "" else f": got {self.value!r}"
        return f"{where}{value}; expected {self.expected}" + (f" [{self.check}]" if self.check else "")


class InputError(GBAError):
    """Bad input: data, parameters, a notebook name or an output folder. The command line exits with status 2."""


class DataError(InputError):
    """The data cannot be read or does not pass validation. Lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        n = len(self.problems)
        head = f"{n} data problem{'s' if n != 1 else ''} found:"
        lines = [head] + [f"  - {p}" for p in self.problems[:200]]
        if n > 200:
            lines.append(f"  ... and {n - 200} more")
        super().__init__("\n".join(lines))


class EncodingProblem(DataError):
    """A file is not UTF-8 (for instance saved by Excel as GBK)."""


@dataclass
class ParameterError(InputError, ValueError):
    """A notebook parameter is unknown, misspelt or of the wrong type."""

    parameter: str
    value: object
    expected: str
    notebook: str | None = None

    def __post_init__(self):
        nb = f" (notebook {self.notebook})" if self.notebook else ""
        super().__init__(f"parameter {self.parameter!r}{nb}: got {self.value!r}; expected {self.expected}")

    def __str__(self) -> str:  # dataclass would otherwise replace it
        return self.args[0]


class UnknownNotebook(InputError, ValueError):
    """A notebook name that is not one of the project's notebooks."""


class OutputNotWritable(InputError):
    """The site cannot be written where it was asked to go (checked before any kernel starts)."""


@dataclass
class NotebookFailed(GBAError):
    """A notebook raised while it ran. The executed copy is kept at ``executed_path``."""

    notebook: str
    parameters: dict = field(default_factory=dict)
    cell_index: int | None = None
    error: str = ""
    executed_path: str | None = None

    def __post_init__(self):
        cell = f"cell {self.cell_index}" if self.cell_index is not None else "before the first cell"
        super().__init__(
            f"{self.notebook} failed at {cell} with parameters {self.parameters}: {self.error}"
            + (f" (executed copy kept at {self.executed_path})" if self.executed_path else "")
        )

    def __str__(self) -> str:
        return self.args[0]


class BuildInterrupted(GBAError):
    """The build was stopped (Ctrl-C or SIGTERM). ``summary`` says what finished and what did not."""

    def __init__(self, summary):
        self.summary = summary
        super().__init__("build interrupted")

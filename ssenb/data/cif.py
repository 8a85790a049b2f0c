"""Read a CIF into a pymatgen ``Structure`` within documented bounds.

A CIF may come from a colleague, a database or an upload box, so it is not trusted: a
50 MB file or one with 20,000 symmetry operations would keep pymatgen busy for minutes
and take gigabytes of memory, and a cell of a = 1e9 Å would exhaust memory in any
neighbour search. The text is checked *before* pymatgen parses it (size, number of
symmetry operations, atom-site rows, cell lengths), and the parsed structure after
(sites after symmetry expansion, cell lengths and volume). Every bound is a module
constant and is named in the error message.

The bounds were chosen against real data: the 254 CIFs of the OBELiX training split
are at most 6.3 kB, list at most 192 symmetry operations and 1,344 site images (atom-site
rows times operations), expand to at most 328 sites, and have cell lengths from 3.3 to
22.2 Å and volumes from 45 to 2,243 Å³. No crystallographic space group has more than
192 operations in its conventional setting. Near the limits pymatgen still needs a few
seconds on a busy 2-core machine (2,000 sites in P1: 2.4 s; 1,920 site images in Fm-3m:
1-3 s; 3,840 images: 3-6 s), while 520 rows in Fm-3m (100,000 images) ran for over five
minutes unguarded. pymatgen also reads slowly what it then ignores: 1.9 MB of comments
took 9.6 s and 95,000 reflection rows 13.8 s, hence the limits on bytes and loop values.
The text checks themselves take milliseconds.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..errors import InvalidInputError

if TYPE_CHECKING:
    from pymatgen.core import Structure

#: Largest CIF accepted (bytes of UTF-8 text). OBELiX CIFs are at most 6.3 kB, a 2,000-site
#: P1 CIF about 70 kB; pymatgen reads about 0.2 MB/s of comments on a busy machine.
MAX_CIF_BYTES = 500_000
#: Most values in all loops together (reflection lists and other bulk data): pymatgen needs
#: about 0.4 s per 50,000 on a busy machine. A 2,000-site P1 CIF has about 16,000.
MAX_LOOP_VALUES = 100_000
#: Most symmetry operations listed (Fm-3m, the largest conventional group, has 192).
MAX_SYMMETRY_OPERATIONS = 192
#: Most sites in the cell after symmetry expansion (OBELiX reaches 328).
MAX_SITES = 2_000
#: Most atom-site rows times symmetry operations (site images before merging): the work of
#: pymatgen's expansion, which grows faster than linearly. OBELiX reaches 1,344.
MAX_EXPANSION_WORK = 3_000
#: Most data blocks in one CIF (pymatgen parses every block; ssenb uses the first structure).
MAX_DATA_BLOCKS = 10
#: Cell lengths a, b, c must lie in this range (Å).
LATTICE_LENGTH_RANGE_A = (0.5, 200.0)
#: Cell volume must lie in this range (Å³).
VOLUME_RANGE_A3 = (1.0, 1_000_000.0)

_SYMOP_TAGS = (
    "_symmetry_equiv_pos_as_xyz",
    "_space_group_symop_operation_xyz",
    "_space_group_symop.operation_xyz",
    "_symmetry_equiv.pos_as_xyz",
)
_ATOM_SITE_TAGS = ("_atom_site_fract_x", "_atom_site.fract_x", "_atom_site_cartn_x")
_CELL = {
    "_cell_length_a": "a",
    "_cell_length_b": "b",
    "_cell_length_c": "c",
    "_cell.length_a": "a",
    "_cell.length_b": "b",
    "_cell.length_c": "c",
}
_TOKEN = re.compile(r"'[^']*'(?=\s|$)|\"[^\"]*\"(?=\s|$)|\S+")
_ESU = re.compile(r"^([-+]?[0-9.]+(?:[eE][-+]?\d+)?)(?:\(\d+\))?$")


def read_cif(text: str | bytes) -> Structure:
    """The first structure in a CIF, or an :class:`InvalidInputError` saying why not.

    Why: an uploaded or downloaded CIF is untrusted input; this refuses a file that is
    too large or would expand to too many sites within milliseconds, before pymatgen
    spends minutes on it.

    Parameters
    ----------
    text : str or bytes
        The CIF's content (bytes are decoded as UTF-8, undecodable bytes replaced).

    Returns
    -------
    pymatgen.core.Structure
        The conventional cell as written (``primitive=False``); lengths in Å.

    Raises
    ------
    InvalidInputError
        Not a CIF pymatgen can read, no structure in it, or a bound exceeded:
        :data:`MAX_CIF_BYTES`, :data:`MAX_DATA_BLOCKS`, :data:`MAX_LOOP_VALUES`,
        :data:`MAX_SYMMETRY_OPERATIONS`, :data:`MAX_SITES`,
        :data:`MAX_EXPANSION_WORK`, :data:`LATTICE_LENGTH_RANGE_A`,
        :data:`VOLUME_RANGE_A3`.

    Examples
    --------
    >>> cif = '''data_LiF
    ... _symmetry_space_group_name_H-M 'P 1'
    ... _cell_length_a 4.03
    ... _cell_length_b 4.03
    ... _cell_length_c 4.03
    ... _cell_angle_alpha 90
    ... _cell_angle_beta 90
    ... _cell_angle_gamma 90
    ... loop_
    ... _atom_site_label
    ... _atom_site_type_symbol
    ... _atom_site_fract_x
    ... _atom_site_fract_y
    ... _atom_site_fract_z
    ... Li1 Li 0 0 0
    ... F1 F 0.5 0.5 0.5
    ... '''
    >>> read_cif(cif).composition.reduced_formula
    'LiF'
    """
    if isinstance(text, bytes | bytearray | memoryview):
        size = len(text)
        _check_size(size)
        text = bytes(text).decode("utf-8", errors="replace")
    elif isinstance(text, str):
        if len(text) > MAX_CIF_BYTES:  # UTF-8 has at least one byte per character
            _check_size(len(text))
        _check_size(len(text.encode("utf-8", errors="replace")))
    else:
        raise InvalidInputError(f"a CIF must be text or bytes, not {type(text).__name__}")
    _check_is_cif_text(text)
    _precheck(text)
    from pymatgen.io.cif import CifParser

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            structures = CifParser(io.StringIO(text)).parse_structures(primitive=False)
    except KeyboardInterrupt:
        raise
    except Exception as err:  # pymatgen raises many types for bad CIFs
        raise InvalidInputError(
            f"CIF did not parse: {type(err).__name__}: {str(err)[:200]}"
        ) from err
    if not structures:
        raise InvalidInputError("CIF holds no structure")
    structure = structures[0]
    _check_structure(structure)
    return structure


def parse_cif(text: str | bytes | None) -> tuple[Structure, None] | tuple[None, str]:
    """``(Structure, None)`` or ``(None, reason)``; never raises.

    Why: one bad CIF must not fail a dataset load or a widget callback. Same bounds as
    :func:`read_cif`.

    Parameters
    ----------
    text : str, bytes or None
        The CIF's content; ``None`` means the dataset has no CIF for this row.

    Returns
    -------
    tuple of (pymatgen.core.Structure, None) or (None, str)
        The structure and no reason, or no structure and the reason as a short sentence.

    Examples
    --------
    >>> parse_cif(None)
    (None, 'no CIF in the dataset')
    """
    if text is None:
        return None, "no CIF in the dataset"
    try:
        return read_cif(text), None
    except InvalidInputError as err:
        return None, str(err)


def _check_size(size: int) -> None:
    if size > MAX_CIF_BYTES:
        raise InvalidInputError(
            f"CIF is {size:,} bytes; ssenb reads CIFs up to {MAX_CIF_BYTES:,} bytes "
            "(MAX_CIF_BYTES in ssenb.data.cif). Remove diffraction data or other blocks, "
            "or give the structure as a pymatgen Structure"
        )


def _check_is_cif_text(text: str) -> None:
    """Empty, binary (an image, an archive) or not a CIF at all: say which, before parsing."""
    if not text.strip():
        raise InvalidInputError("the CIF is empty; choose the .cif file of the structure")
    if "\x00" in text or text.count("\ufffd") > 3 + len(text) // 100:
        raise InvalidInputError(
            "this is not a text file (binary content, e.g. an image or an archive); a CIF is "
            "plain text: export the structure as .cif"
        )
    if not re.search(r"(?im)^[ \t]*data_", text):
        raise InvalidInputError(
            "no data_ block: this is not a CIF (a CIF starts each structure with a line "
            "'data_<name>'); export the structure as .cif"
        )


def _precheck(text: str) -> None:
    """Count data blocks, symmetry operations and atom-site rows in the text."""
    blocks = re.split(r"(?im)^[ \t]*data_", text)
    if len(blocks) - 1 > MAX_DATA_BLOCKS:
        raise InvalidInputError(
            f"CIF has {len(blocks) - 1:,} data blocks; ssenb reads at most {MAX_DATA_BLOCKS} "
            "(MAX_DATA_BLOCKS in ssenb.data.cif): split the file, one structure per CIF"
        )
    total_sites, total_work, most_ops, total_values = 0, 0, 0, 0
    for block in blocks:
        n_ops, n_sites = 0, 0
        for tags, values in _loops(block):
            total_values += len(values)
            rows = len(values) // max(len(tags), 1)
            if any(t in _SYMOP_TAGS for t in tags):
                n_ops = max(n_ops, rows)
            if any(t in _ATOM_SITE_TAGS for t in tags):
                n_sites = max(n_sites, rows)
        most_ops = max(most_ops, n_ops)
        total_sites += n_sites
        total_work += n_sites * max(n_ops, 1)
    if total_values > MAX_LOOP_VALUES:
        raise InvalidInputError(
            f"CIF loops hold {total_values:,} values; ssenb reads at most "
            f"{MAX_LOOP_VALUES:,} (MAX_LOOP_VALUES in ssenb.data.cif). Remove reflection "
            "lists or other bulk data from the file"
        )
    if most_ops > MAX_SYMMETRY_OPERATIONS:
        raise InvalidInputError(
            f"CIF lists {most_ops:,} symmetry operations; no space group has more than "
            f"{MAX_SYMMETRY_OPERATIONS} (MAX_SYMMETRY_OPERATIONS in ssenb.data.cif). "
            "Is the file corrupted or generated?"
        )
    if total_sites > MAX_SITES:
        raise InvalidInputError(
            f"CIF lists {total_sites:,} atom sites; ssenb reads at most {MAX_SITES:,} "
            "(MAX_SITES in ssenb.data.cif)"
        )
    if total_work > MAX_EXPANSION_WORK:
        raise InvalidInputError(
            f"CIF lists {total_sites:,} atom sites and up to {most_ops} symmetry operations "
            f"({total_work:,} site images to expand and merge); ssenb expands at most "
            f"{MAX_EXPANSION_WORK:,} (MAX_EXPANSION_WORK in ssenb.data.cif)"
        )
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].lower() in _CELL:
            match = _ESU.match(parts[1])
            if match:
                _check_length(_CELL[parts[0].lower()], float(match.group(1)))


def _check_length(name: str, value: float) -> None:
    lo, hi = LATTICE_LENGTH_RANGE_A
    if not (math.isfinite(value) and lo <= value <= hi):
        raise InvalidInputError(
            f"CIF cell length {name} = {value:g} Å is outside {lo:g}-{hi:g} Å "
            "(LATTICE_LENGTH_RANGE_A in ssenb.data.cif); check the cell parameters"
        )


def placeholder_species(structure: Structure) -> list[str]:
    """The sorted names of a structure's placeholder species (pymatgen ``DummySpecies``, "Xx").

    Why: a CIF site or a hand-made structure may hold one; the CIF reader and BVSE both
    refuse them, each in its own words.
    """
    from pymatgen.core.periodic_table import DummySpecies

    return sorted(
        {str(sp) for site in structure for sp in site.species if isinstance(sp, DummySpecies)}
    )


def _check_structure(structure: Structure) -> None:
    dummies = placeholder_species(structure)
    if dummies:
        raise InvalidInputError(
            f"CIF sites of {', '.join(dummies)} are not elements; give each site a real element "
            "in _atom_site_type_symbol (a vacancy is a partial occupancy, not a species)"
        )
    if len(structure) > MAX_SITES:
        raise InvalidInputError(
            f"CIF expands to {len(structure):,} sites; ssenb reads at most {MAX_SITES:,} "
            "(MAX_SITES in ssenb.data.cif)"
        )
    for name, value in zip("abc", structure.lattice.abc):
        _check_length(name, float(value))
    lo, hi = VOLUME_RANGE_A3
    volume = float(structure.volume)
    if not (math.isfinite(volume) and lo <= volume <= hi):
        raise InvalidInputError(
            f"CIF cell volume {volume:g} Å³ is outside {lo:g}-{hi:g} Å³ "
            "(VOLUME_RANGE_A3 in ssenb.data.cif); check the cell angles and lengths"
        )


def _loops(text: str) -> Iterator[tuple[list[str], list[str]]]:
    """Yield (tags, values) of each ``loop_`` in the text (a light CIF 1.1 tokenizer)."""
    tags: list[str] = []
    values: list[str] = []
    state = "out"  # out | tags | values
    in_text_field = False
    for line in text.splitlines():
        if in_text_field:
            if line.startswith(";"):
                in_text_field = False
            continue
        if line.startswith(";"):  # a multi-line text field is one value
            in_text_field = True
            if state in ("tags", "values"):
                state = "values"
                values.append(";")
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        head = stripped.split(None, 1)[0].lower()
        if head == "loop_" or head.startswith(("global_", "save_")):
            if state == "values" or tags:
                yield tags, values
            tags, values = [], []
            state = "tags" if head == "loop_" else "out"
            continue
        if head.startswith("_"):
            if state == "tags":
                tags.append(head)
                continue
            if state == "values":
                yield tags, values
                tags, values = [], []
            state = "out"
            continue
        if state in ("tags", "values"):
            state = "values"
            values.extend(_TOKEN.findall(stripped))
    if tags:
        yield tags, values

"""Where each upstream data file lives and what its sha256 must be.

Keys are paths relative to the cache folder; they mirror the layout of the shared data
mirror (``<dataset>/<file>``), so pointing ``SSENB_DATA_DIR`` at a mirror just works.
A hash of ``None`` would mean "unknown to us: verified on first download and recorded";
every file below has a hash taken from the upstream commit named in its URL.
"""

from __future__ import annotations

from dataclasses import dataclass

_OBELIX = "https://raw.githubusercontent.com/NRC-Mila/OBELiX/4eaac889809dd489e3bae468c45d5c0e02b9147a/data/downloads/"
_OBELIX_MISC = "https://raw.githubusercontent.com/NRC-Mila/OBELiX/4eaac889809dd489e3bae468c45d5c0e02b9147a/data/misc/"
_CRABNET = "https://raw.githubusercontent.com/anthony-wang/CrabNet/457b4d4835737ecbe4dd33e53174bd818bd82143/data/"
_CHEMPROPPRED = "https://raw.githubusercontent.com/learningmatter-mit/Chem-prop-pred/39b0c16f70c4142b32a67531a093718c767ad43d/data/"
_MATTERVIZ = "https://raw.githubusercontent.com/janosh/matterviz/e45d1bad399d4d518a19d4f2e91c812873ae9eed/src/site/"


@dataclass(frozen=True)
class RemoteFile:
    """One upstream file: its URL, expected sha256, and the dataset it belongs to."""

    url: str
    sha256: str | None
    dataset: str


REGISTRY: dict[str, RemoteFile] = {
    # OBELiX (Therrien et al. 2025), CC BY 4.0
    "obelix/train.csv": RemoteFile(
        _OBELIX + "train.csv",
        "01d87779862807e24bc45bb2c759852f892390b99f9340f13906c54805aa8776",
        "obelix",
    ),
    "obelix/train_cifs.tar.gz": RemoteFile(
        _OBELIX + "train_cifs.tar.gz",
        "0c461b79d3650e68228f2b921d1b9b58944dcbe470eeffcf85653748c13ce19e",
        "obelix",
    ),
    "obelix/test.csv": RemoteFile(
        _OBELIX + "test.csv",
        "b2c266eb74e22f403743d52959bea7c43b1531a850994870a70dd909200e5297",
        "obelix",
    ),
    "obelix/test_cifs.tar.gz": RemoteFile(
        _OBELIX + "test_cifs.tar.gz",
        "26697dd885b54dce6f7be6e0fcadc29678c75e63a277cb78e1f8341b22a6c6f9",
        "obelix",
    ),
    "obelix/all.csv": RemoteFile(
        _OBELIX + "all.csv",
        "54f6265ef84d16a919d08c6815f14b0fd7465fa00090bee2511c16c042e57f3c",
        "obelix",
    ),
    "obelix/all_cifs.tar.gz": RemoteFile(
        _OBELIX + "all_cifs.tar.gz",
        "bfa2a3c92e3b8ca1b9859992e686c9e19f98924e7ff369c05db7006548217d49",
        "obelix",
    ),
    # Liverpool Ionics (Hargreaves et al. 2023) and Laskowski et al. 2023, as kept in the
    # OBELiX repository; no licence stated: never vendored, cite both papers
    "conductivity-extra/LiIonDatabase.csv": RemoteFile(
        _OBELIX_MISC + "LiIonDatabase.csv",
        "d24ed972b88c3aba14194b6f9347fb3c8e8f9249b82fec22d961e709c1c06e5d",
        "conductivity-extra",
    ),
    "conductivity-extra/laskowski_semi-fromatted.csv": RemoteFile(
        _OBELIX_MISC + "laskowski_semi-fromatted.csv",
        "606926c22779b71b82d98f833cfde8e31d540739decee3ff872f779902f75e61",
        "conductivity-extra",
    ),
    "conductivity-extra/doi_lookup_table.csv": RemoteFile(
        _OBELIX_MISC + "doi_lookup_table.csv",
        "b890a2d06752613d2be77e3cf7562a14718b892c516d15d4c88686d9a122313d",
        "conductivity-extra",
    ),
    # Materials Project ~2019 via Bartel et al. 2020 / CrabNet, MIT + CC BY 4.0
    "mp2019-allmp/CritExam__Ef/train.csv": RemoteFile(
        _CRABNET + "benchmark_data/CritExam__Ef/train.csv",
        "717892455f5474fb98d952b2824b09e2abae21d4893eebc5f0e16b5042a9f168",
        "mp2019",
    ),
    "mp2019-allmp/CritExam__Ef/val.csv": RemoteFile(
        _CRABNET + "benchmark_data/CritExam__Ef/val.csv",
        "f641c56947685fad49aaf13c31b098593a708d8aff19cf271b2239251d9d6a3a",
        "mp2019",
    ),
    "mp2019-allmp/CritExam__Ef/test.csv": RemoteFile(
        _CRABNET + "benchmark_data/CritExam__Ef/test.csv",
        "92052ffc5bad988371946b1c98a605addf88fd2894e2319ed1a39653cecb0f43",
        "mp2019",
    ),
    "mp2019-allmp/CritExam__Ed/train.csv": RemoteFile(
        _CRABNET + "benchmark_data/CritExam__Ed/train.csv",
        "b8de276563588969f9b8a9f7fb59059e2b445da22f4bc84beed5d4b8d3b16934",
        "mp2019",
    ),
    "mp2019-allmp/CritExam__Ed/val.csv": RemoteFile(
        _CRABNET + "benchmark_data/CritExam__Ed/val.csv",
        "be508d700c294fffa382887f37dbc1aded4ad2a5f5ab526bad60d987f5a6d7f0",
        "mp2019",
    ),
    "mp2019-allmp/CritExam__Ed/test.csv": RemoteFile(
        _CRABNET + "benchmark_data/CritExam__Ed/test.csv",
        "ebe21e71b66eb534c9f53c4e682c3661ed402204805e7a74bf17d03639a978ab",
        "mp2019",
    ),
    "mp2019-allmp/matbench/mp_e_form.csv": RemoteFile(
        _CRABNET + "matbench/mp_e_form.csv",
        "90e895635c96447c5be4e9070d26f26e1b4d17925102a6597ae3c4d79c32555b",
        "mp2019",
    ),
    # Materials Project band gaps and elastic moduli, composition level (matbench copies kept by
    # CrabNet, MIT; MP data CC BY 4.0). File names with parentheses are URL-encoded upstream.
    "mp-properties/mp_gap.csv": RemoteFile(
        _CRABNET + "matbench/mp_gap.csv",
        "4084e584467e6f81ec8bf12c438eeb2c049ae39e11401bae694ef6a9983b9d9f",
        "mp-properties",
    ),
    "mp-properties/expt_gap.csv": RemoteFile(
        _CRABNET + "matbench/expt_gap.csv",
        "3de82c37f1db3ab9bbd92366c96633f131913ded5db0969eb36216bdd11cef2f",
        "mp-properties",
    ),
    "mp-properties/elasticity_log10(G_VRH).csv": RemoteFile(
        _CRABNET + "matbench/elasticity_log10%28G_VRH%29.csv",
        "6eda504f98a3b98308bb4f1353810f2703475daa85540b15aebe1fedf313304a",
        "mp-properties",
    ),
    "mp-properties/elasticity_log10(K_VRH).csv": RemoteFile(
        _CRABNET + "matbench/elasticity_log10%28K_VRH%29.csv",
        "b4e2620ca797b9eca83a6633d4b94dc3ae047bba3f0eacd5cdb446a75d07d087",
        "mp-properties",
    ),
    # matterviz demo hulls (MIT repo; MP and Alexandria data CC BY 4.0)
    "matterviz-hull-demos/mp_Li-Co-Ni-O.json.gz": RemoteFile(
        _MATTERVIZ + "convex-hull/quaternaries/Li-Co-Ni-O.json.gz",
        "51c9b0008074a0b18ed2b1fd401f08ac9441594359fa68ffc625caf9da212032",
        "matterviz",
    ),
    "matterviz-hull-demos/alexandria_Li-P-S.json.gz": RemoteFile(
        _MATTERVIZ + "phase-diagrams/ternary/Li-P-S.json.gz",
        "0d60c6b82e81386e7ef33eaf215e1d2937f533bd73e8305a790279a7110ee184",
        "matterviz",
    ),
    "matterviz-hull-demos/alexandria_Li-Co-O.json.gz": RemoteFile(
        _MATTERVIZ + "phase-diagrams/ternary/Li-Co-O.json.gz",
        "ecf186b4aef44556a0a69b070aae94ceba3c011bd7375b986738b6fd49db6ba1",
        "matterviz",
    ),
    "matterviz-hull-demos/alexandria_Li-Ti-O.json.gz": RemoteFile(
        _MATTERVIZ + "phase-diagrams/ternary/Li-Ti-O.json.gz",
        "f0cfe23c2f9059ca46f691fb91ba7bfee2f8be456a3261ff74bcfc45040abdf1",
        "matterviz",
    ),
    "matterviz-hull-demos/alexandria_Li-Mn-O.json.gz": RemoteFile(
        _MATTERVIZ + "phase-diagrams/ternary/Li-Mn-O.json.gz",
        "dd7620ed4fec5e221ed1035686bd5ec6e0d3bcc4b130ab4610e23356967538a7",
        "matterviz",
    ),
    "matterviz-hull-demos/alexandria_Li-Ni-O.json.gz": RemoteFile(
        _MATTERVIZ + "phase-diagrams/ternary/Li-Ni-O.json.gz",
        "0979567669960067c0c0c23f40d19ca6c8cb203506ec309939260ce4323b68d9",
        "matterviz",
    ),
    # Bradford et al. 2023 (ACS Cent. Sci.), polymer electrolytes, MIT
    "polymer-electrolytes/clean_train_data.csv": RemoteFile(
        _CHEMPROPPRED + "clean_train_data.csv",
        "6b6de5979e2b0fe592e9c75b98cdccc6a77c579bd9332e3633301f6f6392ca74",
        "polymer-electrolytes",
    ),
}

#: Files each dataset needs, for ``ssenb info`` and pre-fetching (Binder).
DATASETS: dict[str, tuple[str, ...]] = {
    "obelix-train": ("obelix/train.csv", "obelix/train_cifs.tar.gz"),
    "obelix-test": ("obelix/test.csv", "obelix/test_cifs.tar.gz"),
    "obelix-all": ("obelix/all.csv", "obelix/all_cifs.tar.gz"),
    "conductivity-extra": tuple(k for k in REGISTRY if k.startswith("conductivity-extra/")),
    "mp2019": tuple(k for k in REGISTRY if k.startswith("mp2019-allmp/Crit")),
    "mp2019-matbench": ("mp2019-allmp/matbench/mp_e_form.csv",),
    "matterviz": tuple(k for k in REGISTRY if k.startswith("matterviz-hull-demos/")),
    "mp-properties": tuple(k for k in REGISTRY if k.startswith("mp-properties/")),
    "polymer-electrolytes": ("polymer-electrolytes/clean_train_data.csv",),
}

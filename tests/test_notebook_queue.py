"""scripts/notebook_queue.py: two CI jobs share the notebooks, each runs exactly once."""

from __future__ import annotations


def test_the_first_job_to_claim_a_notebook_runs_it_and_is_named(tmp_path, load_script):
    queue = load_script("notebook_queue")
    node = "tutorials/06_explorer.ipynb::06_explorer.ipynb"
    assert queue.claim(tmp_path, node, "notebook") is True
    assert queue.claim(tmp_path, node, "test") is False  # taken: the other job skips it
    assert (tmp_path / "tutorials_06_explorer.ipynb" / "by").read_text() == "notebook"
    assert queue.claim(tmp_path, "notebooks/fig_a.ipynb::fig_a.ipynb", "test") is True
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "notebooks_fig_a.ipynb",
        "tutorials_06_explorer.ipynb",
    ]

"""The Ray engine: `clientlens audit INPUT... --engine ray --output DIR` (see scale/run.py).

It audits the pages of web archives (WARC/WET) and tables (Parquet, JSON Lines) on Ray
Data, one site per registered domain, and writes a page table and a site table. Like
engine.py it joins the layers: each worker runs the local engine's Auditor, and the site
verdicts come from the judge's own functions (scale/rows.py), so a site audited here gets
the verdict the local engine gives the same pages. Ray and pyarrow are imported only when
a run starts (`pip install 'clientlens[scale]'`).
"""

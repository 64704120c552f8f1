-- SME annex years published in more than one file: which file was kept and which rows were set aside.
SELECT financial_year, kept_file, superseded_file, superseded_rows
FROM meta_sme_spend_superseded
ORDER BY financial_year, superseded_file

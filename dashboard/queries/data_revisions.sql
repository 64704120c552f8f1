-- Every month a later release restated, with each release's total and the change from the release before
-- (months published once have no revision and are left out). Small: months x releases.
SELECT framework_family, month, financial_year, release_file, release_to, release_order, n_rows,
       total::DOUBLE AS total, previous_total::DOUBLE AS previous_total, change::DOUBLE AS change, change_pct,
       is_latest
FROM mart_marketplace_revisions
WHERE (framework_family, month) IN (
    SELECT framework_family, month FROM mart_marketplace_revisions GROUP BY ALL HAVING count(*) > 1
)
ORDER BY framework_family, month, release_order

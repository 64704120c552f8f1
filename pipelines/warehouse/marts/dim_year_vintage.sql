-- The geography vintage each financial year any page shows (spend, SME annexes, notices) is shown in: the
-- latest loaded vintage at or before the year's start, else (a year older than every loaded vintage) the
-- earliest loaded.
INSERT INTO dim_year_vintage BY NAME
WITH years AS (
    SELECT financial_year FROM dim_spend_code WHERE financial_year IS NOT NULL
    UNION SELECT financial_year FROM fact_contract_notice WHERE financial_year IS NOT NULL
    UNION SELECT financial_year FROM mart_sme_share WHERE financial_year IS NOT NULL
),
y AS (
    SELECT financial_year, CAST(left(financial_year, 4) AS INTEGER) AS start_year,
           (SELECT max(v.vintage) FROM _vintages v WHERE v.vintage <= CAST(left(financial_year, 4) AS INTEGER))
               AS at_or_before
    FROM years
)
SELECT financial_year, coalesce(at_or_before, (SELECT min(vintage) FROM _vintages)) AS vintage,
       CASE WHEN at_or_before IS NOT NULL THEN 'latest loaded at or before the year'
            ELSE 'earliest loaded (none is older than the year)' END AS basis
FROM y
WHERE EXISTS (SELECT 1 FROM _vintages)

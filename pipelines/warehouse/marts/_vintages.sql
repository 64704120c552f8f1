-- The geography vintages the marts apply: every loaded ONS vintage (the reference councils' own when none is).
CREATE TEMP TABLE _vintages AS
SELECT DISTINCT vintage FROM dim_lad
UNION
SELECT max(vintage) FROM dim_council WHERE NOT EXISTS (SELECT 1 FROM dim_lad) HAVING max(vintage) IS NOT NULL

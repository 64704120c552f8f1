-- The ONS geography each year of a range is shown in, as spans of years per vintage (dim_year_vintage):
-- older_than_vintage, a year in the span begins before its vintage (none older is loaded); n_loaded, the
-- vintages loaded; boundary_vintage, the latest boundary vintage the map draws. No rows: no lookup loaded.
SELECT vintage, min(financial_year) AS first_year, max(financial_year) AS last_year,
       bool_or(basis LIKE 'earliest%') AS older_than_vintage,
       (SELECT count(DISTINCT vintage) FROM dim_area_vintage WHERE area_level <> 'national') AS n_loaded,
       (SELECT max(vintage) FROM geo_boundary) AS boundary_vintage
FROM dim_year_vintage
WHERE financial_year BETWEEN $fy_from AND $fy_to
  AND EXISTS (SELECT 1 FROM dim_area WHERE area_level <> 'national')
GROUP BY vintage
ORDER BY vintage

-- The ONS geography vintage the areas are (the latest loaded), and the latest boundary vintage the map draws:
-- today's areas applied to every year, so a city region's trend compares like with like.
SELECT (SELECT max(vintage) FROM dim_area WHERE area_level <> 'national') AS area_vintage,
       (SELECT max(vintage) FROM geo_boundary) AS boundary_vintage

-- The year of the mid-year population estimate the areas carry (the latest loaded; used for every year shown).
SELECT max(population_year) AS population_year FROM dim_lad WHERE population IS NOT NULL

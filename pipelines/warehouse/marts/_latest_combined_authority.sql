-- The latest vintage of combined authorities (the Greater London Authority included).
CREATE TEMP TABLE _ca AS
SELECT * FROM dim_combined_authority WHERE vintage = (SELECT max(vintage) FROM dim_combined_authority)

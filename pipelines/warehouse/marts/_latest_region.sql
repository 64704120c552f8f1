-- The latest vintage of English regions.
CREATE TEMP TABLE _region AS
SELECT * FROM dim_region WHERE vintage = (SELECT max(vintage) FROM dim_region)

-- The latest vintage of LADs: areas are today's geography applied to every year.
CREATE TEMP TABLE _lad AS
SELECT * FROM dim_lad WHERE vintage = (SELECT max(vintage) FROM dim_lad)

-- Areas a user can pick: everything (UK-wide), English regions, combined authorities (incl. the GLA), those of
-- earlier geography vintages included; last_vintage: the latest vintage that has the area, latest_vintage: the
-- newest loaded (an area whose last_vintage is older no longer exists in today's geography).
SELECT area_level, area_code, area_name, parent_code, population, vintage AS last_vintage,
       (SELECT max(vintage) FROM dim_area WHERE area_level <> 'national') AS latest_vintage
FROM dim_area
WHERE area_level IN ('national', 'region', 'combined_authority')
ORDER BY CASE area_level WHEN 'national' THEN 0 WHEN 'region' THEN 1 ELSE 2 END, area_name, vintage DESC, area_code

-- Areas a user can pick: everything (UK-wide), English regions, combined authorities (incl. the GLA).
SELECT area_level, area_code, area_name, parent_code, population
FROM dim_area
WHERE area_level IN ('national', 'region', 'combined_authority')
ORDER BY CASE area_level WHEN 'national' THEN 0 WHEN 'region' THEN 1 ELSE 2 END, area_name

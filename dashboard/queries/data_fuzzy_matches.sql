-- Buyer names matched by similarity (fuzzy), lowest score first, for a person to check each one.
SELECT buyer_name, sector, display_name AS matched_organisation, org_kind, org_code, match_score, matched_key,
       n_rows, spend, n_notices
FROM dim_buyer
WHERE match_method = 'fuzzy'
ORDER BY match_score, spend DESC, buyer_name

-- Buyer names no rule could place (marketplace spend or Contracts Finder), largest spend first.
SELECT buyer_name, normalized_name, sector, n_rows, spend, n_notices
FROM dim_buyer
WHERE match_method = 'unresolved'
ORDER BY spend DESC, n_notices DESC, buyer_name

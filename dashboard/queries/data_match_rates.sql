-- How many marketplace buyer names, and how much spend, resolved to an organisation, by sector; the total last.
SELECT sector, n_names, n_resolved, n_alias, n_exact, n_fuzzy, n_urn_postcode, names_resolved_pct,
       spend, spend_resolved, spend - spend_resolved AS spend_unresolved, spend_resolved_pct
FROM mart_buyer_match_rates
ORDER BY sector = 'All sectors', spend DESC, sector

-- The organisation codes an alias may point to: ONS council codes, combined authority codes, GOV.UK slugs.
SELECT code, name, kind, detail
FROM (
    SELECT council_id AS code, coalesce(official_name, council_name) AS name, 'council' AS kind,
           council_type AS detail, 1 AS kind_order
    FROM dim_council
    UNION ALL
    SELECT ca_code, arg_max(ca_name, vintage), 'combined authority', 'ONS combined authority code', 2
    FROM dim_combined_authority
    GROUP BY ca_code
    UNION ALL
    SELECT slug, title, 'GOV.UK organisation',
           concat_ws(', ', format, CASE WHEN is_closed THEN 'closed' END), 3
    FROM dim_organisation
)
ORDER BY kind_order, name, code

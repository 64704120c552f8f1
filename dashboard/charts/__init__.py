"""Pure chart builders: frame in, Altair chart or pydeck Deck out; no st.* calls (testable with .to_dict())."""

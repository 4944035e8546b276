// gongshi search client: replaced by the static-shard client (see the search issue).

-- wrk script of bench/http_checkout.py: POST <path> (default /public/checkout) with a checkout body, every request
-- a new buyer phone and a fresh Idempotency-Key, spread round-robin over the stores given.
--   wrk ... -s checkout.lua URL -- <run 10-99> <path> <subdomain>:<form slug>:<variant id>:<variant id> ...
-- Each thread counts 2xx and other answers (the summary's "BENCH {...}" line: bench/http_checkout.py reads it):
-- response() and done() are count.lua's, loaded from the folder this script is in.
dofile((debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "") .. "count.lua")

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  run = tonumber(args[1])
  path = args[2]
  stores = {}
  for i = 3, #args do
    local subdomain, slug, a, b = args[i]:match("^([^:]+):([^:]+):(%d+):(%d+)$")
    table.insert(stores, { subdomain = subdomain, slug = slug, variants = { a, b } })
  end
  counter = 0
  ok = 0
  refused = 0
  sample = ""
end

function request()
  counter = counter + 1
  local store = stores[(counter % #stores) + 1]
  local n = math.floor(counter / #stores)
  -- 0812 + run (2 digits) + thread (1) + counter (6): a phone no other request of this bench sends.
  local phone = string.format("0812%02d%d%06d", run, id, counter)
  local method = (counter % 2 == 0) and "cod" or "bank_transfer"
  local body = string.format(
    '{"form":"%s","store":"%s","items":[{"variant_id":%s,"quantity":%d}],"name":"Pembeli %d",' ..
    '"phone":"%s","region_code":"32.76.01","address":"Jl. Margonda Raya 1","courier":"jne",' ..
    '"courier_service":"REG","payment_method":"%s"}',
    store.slug, store.subdomain, store.variants[(n % 2) + 1], 1 + counter % 3, counter, phone, method)
  local headers = {
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("bench-%02d-%d-%d", run, id, counter),
  }
  return wrk.format("POST", path, headers, body)
end

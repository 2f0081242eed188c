-- Token buckets for one request, all or nothing, in one round trip (RedisBackend).
-- KEYS: one hash per bucket, fields u (units left), ts (microseconds of that state), l (limit), v (version).
-- ARGV[1]: mode: 'consume' (take one token from every bucket or from none), 'peek' (read, write nothing),
--          'touch' (bring existing buckets to their limit and write them back, take nothing)
-- ARGV[2]: now in microseconds, or '' for Redis's own clock (TIME), so nodes with skewed clocks agree
-- ARGV[3]: window in microseconds (W); then per bucket: limit, version
-- Units: a token is W units and a bucket refills `limit` units per microsecond, so a full bucket holds
-- limit * W units (at most 1e8 * 6e7 = 6e15 < 2^53): every number below is an exact integer.
-- Returns {allowed, then per bucket: limit, remaining, micros to next token, micros to full, refused}.
local mode = ARGV[1]
local now
if ARGV[2] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
else
  now = tonumber(ARGV[2])
end
local W = tonumber(ARGV[3])
local n = #KEYS
local limits, units, versions, exists = {}, {}, {}, {}
for i = 1, n do
  local limit = tonumber(ARGV[2 + 2 * i])
  local version = tonumber(ARGV[3 + 2 * i])
  local h = redis.call('HMGET', KEYS[i], 'u', 'ts', 'l', 'v')
  if h[1] then
    local u, ts, l, v = tonumber(h[1]), tonumber(h[2]), tonumber(h[3]), tonumber(h[4])
    local elapsed = now - ts
    if elapsed > W then elapsed = W end
    if elapsed > 0 then u = math.min(l * W, u + elapsed * l) end
    if v < version then
      -- A newer version of the org's limits: move to the new limit keeping what was spent,
      -- left = clamp(left - (old - new), 0, new). An older version never undoes a newer one.
      if l ~= limit then
        u = math.max(0, math.min(limit * W, u - (l - limit) * W))
        l = limit
      end
      v = version
    end
    limits[i], units[i], versions[i], exists[i] = l, u, v, true
  else
    limits[i], units[i], versions[i], exists[i] = limit, limit * W, version, false
  end
end
local allowed = 1
if mode == 'consume' then
  for i = 1, n do
    if units[i] < W then allowed = 0 end
  end
end
local out = {allowed}
for i = 1, n do
  local l, u = limits[i], units[i]
  local take = (mode == 'consume' and allowed == 1)
  if take then u = u - W end
  if take or (mode == 'touch' and exists[i]) then
    local toFull = math.ceil((l * W - u) / l)
    redis.call('HSET', KEYS[i], 'u', u, 'ts', now, 'l', l, 'v', versions[i])
    redis.call('PEXPIRE', KEYS[i], math.floor(toFull / 1000) + 10000)
  end
  local remaining = math.floor(u / W)
  local toNext = 0
  local toFull = 0
  if remaining < l then
    toNext = math.ceil(((remaining + 1) * W - u) / l)
    toFull = math.ceil((l * W - u) / l)
  end
  local refused = 0
  if mode == 'consume' and u < W and allowed == 0 then refused = 1 end
  out[#out + 1] = l
  out[#out + 1] = remaining
  out[#out + 1] = toNext
  out[#out + 1] = toFull
  out[#out + 1] = refused
end
return out

-- Token buckets for a batch of requests, each all or nothing, in one round trip (RedisBackend).
-- Redis runs a script alone, so the requests of a batch are decided one after another exactly as if each
-- had made its own call, in the batch's order; a node merges the checks of its concurrent requests into
-- one call, so the round trip is shared, not the decision.
-- KEYS: the buckets of request 1, then those of request 2, ...: one hash per bucket, fields u (units
--       left), ts (microseconds of that state), l (limit), v (version). A key may recur across requests.
-- ARGV[1]: now in microseconds, or '' for Redis's own clock (TIME), so nodes with skewed clocks agree
-- ARGV[2]: window in microseconds (W)
-- ARGV[3]: number of requests R; then per request: mode, bucket count n, and per bucket: limit, version,
--          held, want, keep.
--          mode: 'consume' (take one token from every bucket or from none; a bucket whose `held` is 1
--          is paid from the node's lease, neither checked nor taken here; if the request passes, a
--          bucket with `want` > 0 also grants the node a lease of up to `want` tokens, as many as
--          leave it at least `keep`), 'charge' (take one token from every bucket even if that leaves
--          it below zero: a request the node already admitted on what it last heard; the debt delays
--          later tokens, so over time the count stays exact), 'give' (the node hands back `held`
--          unused leased tokens, leased `want` microseconds ago, to each existing bucket: what the
--          refill since did not make up for, never above its limit), 'peek' (read, write
--          nothing), 'touch' (bring existing buckets to their limit and write them back, take
--          nothing)
-- Units: a token is W units and a bucket refills `limit` units per microsecond, so a full bucket holds
-- limit * W units (at most 1e8 * 6e7 = 6e15 < 2^53): every number below is an exact integer.
-- Returns, per request: allowed, then per bucket: limit, remaining, micros to next token, micros to
-- full, refused, tokens leased.
local now
if ARGV[1] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
else
  now = tonumber(ARGV[1])
end
local W = tonumber(ARGV[2])
local R = tonumber(ARGV[3])

-- Each bucket is read once per call, refilled to `now`, and written once at the end if a request took
-- from it (or touched it): later requests of the batch see what earlier ones left.
local state = {}
local dirty = {}
local function load(key, limit, version)
  local s = state[key]
  if not s then
    local h = redis.call('HMGET', key, 'u', 'ts', 'l', 'v')
    if h[1] then
      local u, ts, l, v = tonumber(h[1]), tonumber(h[2]), tonumber(h[3]), tonumber(h[4])
      local elapsed = now - ts
      if elapsed > W then elapsed = W end
      if elapsed > 0 then u = math.min(l * W, u + elapsed * l) end
      s = {u = u, l = l, v = v, exists = true}
    else
      s = {u = limit * W, l = limit, v = version, exists = false}
    end
    state[key] = s
  end
  if s.v < version then
    -- A newer version of the org's limits: move to the new limit keeping what was spent,
    -- left = clamp(left - (old - new), 0, new). An older version never undoes a newer one.
    if s.l ~= limit then
      s.u = math.max(0, math.min(limit * W, s.u - (s.l - limit) * W))
      s.l = limit
    end
    s.v = version
  end
  return s
end

local out = {}
local k = 0 -- keys used so far
local a = 3 -- ARGV read so far
for r = 1, R do
  local mode = ARGV[a + 1]
  local n = tonumber(ARGV[a + 2])
  a = a + 2
  local buckets, held, want, keep = {}, {}, {}, {}
  for i = 1, n do
    local at = a + 5 * (i - 1)
    buckets[i] = load(KEYS[k + i], tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2]))
    held[i] = tonumber(ARGV[at + 3])
    want[i] = tonumber(ARGV[at + 4])
    keep[i] = tonumber(ARGV[at + 5])
  end
  local allowed = 1
  if mode == 'consume' then
    for i = 1, n do
      if held[i] == 0 and buckets[i].u < W then allowed = 0 end
    end
  end
  out[#out + 1] = allowed
  for i = 1, n do
    local s = buckets[i]
    local granted = 0
    local wrote = false
    if mode == 'consume' and allowed == 1 then
      if held[i] == 0 then
        s.u = s.u - W
        wrote = true
      end
      if want[i] > 0 then
        local spare = math.floor(s.u / W) - keep[i]
        if spare > 0 then
          granted = math.min(want[i], spare)
          s.u = s.u - granted * W
          wrote = true
        end
      end
    elseif mode == 'charge' then
      s.u = s.u - W
      wrote = true
    elseif mode == 'give' and s.exists then
      -- `want` is the lease's age in microseconds; the bucket refilled meanwhile as if the tokens
      -- were spent, so only what that refill did not make up for comes back (never an overshoot).
      local back = held[i] - math.floor(want[i] * s.l / W)
      if back > 0 then
        s.u = math.min(s.l * W, s.u + back * W)
        wrote = true
      end
    elseif mode == 'touch' and s.exists then
      wrote = true
    end
    if wrote then dirty[KEYS[k + i]] = s end
    local l, u = s.l, s.u
    local remaining = math.floor(u / W)
    local toNext = 0
    local toFull = 0
    if remaining < l then
      toNext = math.ceil(((remaining + 1) * W - u) / l)
      toFull = math.ceil((l * W - u) / l)
    end
    if remaining < 0 then
      -- In debt after charges: none left, and the next token comes once the debt is refilled.
      toNext = math.ceil((W - u) / l)
      remaining = 0
    end
    local refused = 0
    if mode == 'consume' and held[i] == 0 and u < W and allowed == 0 then refused = 1 end
    out[#out + 1] = l
    out[#out + 1] = remaining
    out[#out + 1] = toNext
    out[#out + 1] = toFull
    out[#out + 1] = refused
    out[#out + 1] = granted
  end
  k = k + n
  a = a + 5 * n
end

for key, s in pairs(dirty) do
  local toFull = math.ceil((s.l * W - s.u) / s.l)
  redis.call('HSET', key, 'u', s.u, 'ts', now, 'l', s.l, 'v', s.v)
  redis.call('PEXPIRE', key, math.floor(toFull / 1000) + 10000)
end
return out

/**
 * The memory model's Lua scripts. They run inside Redis (Lua 5.1) and, unchanged, inside the embedded
 * emulator (Lua 5.3 via fengari), so they keep to the common subset: `^` instead of `math.pow`, no
 * cjson/cmsgpack, strings for every number handed back (Redis truncates Lua numbers to integers), and
 * `{unpack(t)}` for returned arrays (the emulator only converts tables built by a constructor).
 *
 * Every script gets the same KEYS, all under one run namespace with a Redis Cluster hash tag:
 *   1 registry  SET   every key this run created (cleanup deletes exactly these)
 *   2 records   HASH  id → importance (existence of the record, and its decay base score)
 *   3 decay     ZSET  id → epoch seconds of the last save or touch
 *   4 conf      HASH  id → "confidence evidence corroborations contradictions"
 *   5 cycles    HASH  id → "period amplitude phase;…" in declared order
 *   6 pressure  HASH  id → "rate last_resolved"
 *   7 priority  ZSET  id → write-filter score (never reduced)
 * and ARGV[1] = the key prefix of the per-record co-occurrence ZSETs (prefix .. id).
 */

export const KEY_NAMES = ['registry', 'records', 'decay', 'conf', 'cycles', 'pressure', 'priority'] as const;

const PRELUDE = `
local REG, REC, DECAY, CONF, CYCLES, PRESSURE, PRIORITY = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local CO_PREFIX = ARGV[1]

-- Exact decimal form of a double (17 significant digits round-trip).
local function fmt(x) return string.format('%.17g', x) end
-- popoto returns Lua scores through tostring, which keeps 14 significant digits.
local function round14(x) return tonumber(tostring(x)) end
local function emit(t) if #t > 7000 then return t end return {unpack(t)} end
local function track(key) redis.call('SADD', REG, key) end
local function clamp01(x) if x < 0 then return 0 elseif x > 1 then return 1 end return x end

local function parse_conf(raw)
  if not raw then return nil end
  local c, n, corr, contra = string.match(raw, '^(%S+) (%S+) (%S+) (%S+)$')
  if not c then return nil end
  return {c = tonumber(c), n = tonumber(n), corr = tonumber(corr), contra = tonumber(contra)}
end

local function read_conf(id)
  return parse_conf(redis.call('HGET', CONF, id))
end

local function write_conf(id, e)
  redis.call('HSET', CONF, id, fmt(e.c) .. ' ' .. fmt(e.n) .. ' ' .. fmt(e.corr) .. ' ' .. fmt(e.contra))
  track(CONF)
end

-- Capped running mean: n_eff = min(n+1, cap); c' = clamp01(c + (s-c)/(n_eff+1)).
local function update_conf(id, s, c0, cap)
  if s < 0 or s > 1 then return end  -- ObservationProtocol swallows out-of-range signals
  local e = read_conf(id) or {c = c0, n = 0, corr = 0, contra = 0}
  local n_eff = math.min(e.n + 1, cap)
  e.c = clamp01(e.c + (s - e.c) / (n_eff + 1))
  e.n = e.n + 1
  if s >= 0.5 then e.corr = e.corr + 1 else e.contra = e.contra + 1 end
  write_conf(id, e)
end

local function parse_cycles(raw)
  local list = {}
  if not raw then return list end
  for p, a, ph in string.gmatch(raw, '([^ ;]+) ([^ ;]+) ([^ ;]+)') do
    list[#list + 1] = {tonumber(p), tonumber(a), tonumber(ph)}
  end
  return list
end

local function read_cycles(id)
  return parse_cycles(redis.call('HGET', CYCLES, id))
end

local function write_cycles(id, list)
  local parts = {}
  for i = 1, #list do parts[i] = fmt(list[i][1]) .. ' ' .. fmt(list[i][2]) .. ' ' .. fmt(list[i][3]) end
  redis.call('HSET', CYCLES, id, table.concat(parts, ';'))
  track(CYCLES)
end

-- strengthen_cycle / weaken_cycle: every amplitude a' = min(max(a*f, 0), 100), snapped to 0 below 0.01.
local function scale_cycles(id, f)
  local list = read_cycles(id)
  if #list == 0 then return end
  for i = 1, #list do
    local a = math.min(math.max(list[i][2] * f, 0), 100)
    if a < 0.01 then a = 0 end
    list[i][2] = a
  end
  write_cycles(id, list)
end

local function parse_pressure(raw)
  if not raw then return nil end
  local rate, last = string.match(raw, '^(%S+) (%S+)$')
  return {rate = tonumber(rate), last = tonumber(last)}
end

local function read_pressure(id)
  return parse_pressure(redis.call('HGET', PRESSURE, id))
end

local function write_pressure(id, rate, last)
  redis.call('HSET', PRESSURE, id, fmt(rate) .. ' ' .. fmt(last))
  track(PRESSURE)
end

-- resolve_pressure: only for records whose declared pressure rate is positive.
local function resolve_pressure(id, now)
  local p = read_pressure(id)
  if p and p.rate > 0 then write_pressure(id, p.rate, now) end
end
`;

/** Every write operation as a function of (argument table, offset), shared by its script and BATCH. */
const OPERATIONS = `
local function op_save(A, o)
local id, score, now = A[o + 0], tonumber(A[o + 1]), tonumber(A[o + 2])
local wf_min, wf_priority, c0 = tonumber(A[o + 3]), tonumber(A[o + 4]), tonumber(A[o + 5])
local declared_raw, pressure_rate = A[o + 6], tonumber(A[o + 7])
if score < wf_min then return 'filtered' end             -- strict: score == threshold is kept
redis.call('HSET', REC, id, fmt(score)); track(REC)
redis.call('ZADD', DECAY, fmt(now), id); track(DECAY)        -- auto_now: every save resets the decay clock
if redis.call('HSETNX', CONF, id, fmt(c0) .. ' 0 0 0') == 1 then track(CONF) end
-- Cycles in declared order; a stored amplitude with the same period (first in, first out) is kept.
local declared = {}
for p, a, ph in string.gmatch(declared_raw, '([^ ;]+) ([^ ;]+) ([^ ;]+)') do
  declared[#declared + 1] = {tonumber(p), tonumber(a), tonumber(ph)}
end
if #declared == 0 then
  redis.call('HDEL', CYCLES, id)
else
  local stored, used = read_cycles(id), {}
  for i = 1, #declared do
    for j = 1, #stored do
      if not used[j] and stored[j][1] == declared[i][1] then
        used[j] = true
        declared[i][2] = stored[j][2]
        break
      end
    end
  end
  write_cycles(id, declared)
end
if pressure_rate > 0 then
  local p = read_pressure(id)
  if p then write_pressure(id, pressure_rate, p.last) else write_pressure(id, pressure_rate, now) end
else
  redis.call('HDEL', PRESSURE, id)
end
if score >= wf_priority then redis.call('ZADD', PRIORITY, fmt(score), id); track(PRIORITY) end
return 'saved'
end

local function op_touch(A, o)
local id, now = A[o + 0], tonumber(A[o + 1])
if redis.call('HEXISTS', REC, id) == 0 then return 'missing' end
redis.call('ZADD', DECAY, fmt(now), id)
return 'touched'
end

local function op_outcome(A, o)
local id, outcome, now = A[o + 0], A[o + 1], tonumber(A[o + 2])
local c0, cap, eps = tonumber(A[o + 3]), tonumber(A[o + 4]), tonumber(A[o + 5])
local acted_signal, contradicted_signal = tonumber(A[o + 6]), tonumber(A[o + 7])
local acted_factor, dismissed_factor, contradicted_factor = tonumber(A[o + 8]), tonumber(A[o + 9]), tonumber(A[o + 10])
local discharge_threshold = tonumber(A[o + 11])
if redis.call('HEXISTS', REC, id) == 0 then return 'missing' end  -- unsaved instances are skipped
if outcome == 'acted' then
  redis.call('ZADD', DECAY, fmt(now), id)     -- (a) touch
  scale_cycles(id, acted_factor)              -- (c) strengthen_cycle, then resolve_pressure
  resolve_pressure(id, now)
  update_conf(id, acted_signal, c0, cap)      -- (d) confidence
elseif outcome == 'dismissed' then
  scale_cycles(id, dismissed_factor)          -- (b) weaken_cycle; no confidence, no decay change
elseif outcome == 'contradicted' then
  scale_cycles(id, contradicted_factor)       -- (b) weaken_cycle
  update_conf(id, contradicted_signal, c0, cap) -- (c) confidence
  -- (d) the prediction ledger's feedback would run here, before the auto-discharge check
  local e = read_conf(id)                     -- (e) auto-discharge reads confidence after (c) and (d)
  local c = c0
  if e then c = e.c end
  if c < discharge_threshold - eps then resolve_pressure(id, now) end
end
-- 'deferred' and 'used' change only access bookkeeping, which no ranking arm here reads.
return outcome
end

local function op_link(A, o)
local a, b, w, max_edges = A[o + 0], A[o + 1], tonumber(A[o + 2]), tonumber(A[o + 3])
local function link_one(src, dst)
  local key = CO_PREFIX .. src
  if redis.call('ZSCORE', key, dst) then return end
  redis.call('ZADD', key, fmt(w), dst); track(key)
  local card = redis.call('ZCARD', key)
  if card > max_edges then
    -- lowest weight first, ties by ascending member; the new edge itself may go
    local raw = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
    local edges = {}
    for i = 1, #raw, 2 do edges[#edges + 1] = {raw[i], tonumber(raw[i + 1])} end
    table.sort(edges, function(x, y) if x[2] ~= y[2] then return x[2] < y[2] end return x[1] < y[1] end)
    for i = 1, card - max_edges do redis.call('ZREM', key, edges[i][1]) end
  end
end
link_one(a, b)
link_one(b, a)
return 'linked'
end

local function op_strengthen(A, o)
local a, b, delta, cap = A[o + 0], A[o + 1], tonumber(A[o + 2]), tonumber(A[o + 3])
local function strengthen_one(src, dst)
  local key = CO_PREFIX .. src
  local w = tonumber(redis.call('ZSCORE', key, dst) or '0') or 0
  redis.call('ZADD', key, fmt(math.min(w + delta, cap)), dst); track(key)
end
strengthen_one(a, b)
strengthen_one(b, a)
return 'strengthened'
end

local function op_weaken_all(A, o)
local id, f = A[o + 0], tonumber(A[o + 1])
local key = CO_PREFIX .. id
if f == 0 then redis.call('DEL', key) return 'weakened' end
local raw = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
for i = 1, #raw, 2 do
  local w = tonumber(raw[i + 1]) * f
  if w < 0.001 then redis.call('ZREM', key, raw[i]) else redis.call('ZADD', key, fmt(w), raw[i]) end
end
return 'weakened'
end
`;

/**
 * The cyclic decay score S(m) of engine-semantics §1.2 and §2.2, rounded to 14 significant digits.
 * ARGV from `first`: now, rate, modulation on (1/0), strength, c0.
 */
const SCORING = `
local function decay_params(first)
  return {
    now = tonumber(ARGV[first]), r = tonumber(ARGV[first + 1]), mod = ARGV[first + 2] == '1',
    s = tonumber(ARGV[first + 3]), c0 = tonumber(ARGV[first + 4]),
  }
end

-- The whole hash as a Lua table (one call instead of one per member).
local function load_hash(key)
  local raw = redis.call('HGETALL', key)
  local t = {}
  for i = 1, #raw, 2 do t[raw[i]] = raw[i + 1] end
  return t
end

local function cyclic_score(id, ts, P, H)
  local t = math.max((P.now - ts) / 86400, 0.01)   -- days, floored at 0.01 day (864 s)
  local b = tonumber(H.records[id] or '') or 1.0
  local d = b * t ^ (-P.r)
  if P.mod then
    local e = parse_conf(H.conf[id])
    local c = P.c0
    if e and e.c then c = clamp01(e.c) end
    local reff = P.r * 2 ^ (2 * P.s * (P.c0 - c))
    d = d * math.max(t, 1) ^ (-(reff - P.r))
  end
  local cycles = parse_cycles(H.cycles[id])
  for i = 1, #cycles do
    local period, amp, phase = cycles[i][1], cycles[i][2], cycles[i][3]
    if period > 0 then d = d + amp * math.cos(2 * math.pi * (P.now - phase) / period) end
  end
  local p = parse_pressure(H.pressure[id])
  if p and p.rate > 0 then d = d + p.rate * math.max(0, (P.now - p.last) / 86400) end
  return round14(d)
end

-- Every member of the decay index with its score, in index order.
local function all_scores(P)
  local H = {records = load_hash(REC), conf = load_hash(CONF), cycles = load_hash(CYCLES), pressure = load_hash(PRESSURE)}
  local raw = redis.call('ZRANGE', DECAY, 0, -1, 'WITHSCORES')
  local out = {}
  for i = 1, #raw, 2 do out[#out + 1] = {raw[i], cyclic_score(raw[i], tonumber(raw[i + 1]), P, H)} end
  return out
end
`;

function script(body: string, withScoring = false): string {
  return `${PRELUDE}${OPERATIONS}${withScoring ? SCORING : ''}\n${body}`;
}

/**
 * save(id, importance, now, wfMin, wfPriority, c0, cycles "p a ph;…" or '', pressureRate).
 * Returns 'filtered' when the write filter rejects it (nothing is written), else 'saved'.
 */
export const SAVE = script(`
return op_save(ARGV, 2)
`);

/** touch(id, now): 'missing' for a record that was never saved. */
export const TOUCH = script(`
return op_touch(ARGV, 2)
`);

/**
 * outcome(id, outcome, now, c0, cap, eps, actedSignal, contradictedSignal, actedFactor, dismissedFactor,
 * contradictedFactor, autoDischargeThreshold): ObservationProtocol effects in popoto's order.
 */
export const OUTCOME = script(`
return op_outcome(ARGV, 2)
`);

/** link(a, b, weight, maxEdges): per direction, insert if absent, then prune the lowest beyond maxEdges. */
export const LINK = script(`
return op_link(ARGV, 2)
`);

/** strengthen(a, b, delta, cap): w' = min((w or 0) + delta, cap) both ways; creates missing edges. */
export const STRENGTHEN = script(`
return op_strengthen(ARGV, 2)
`);

/** weakenAll(id, factor): out-edges of id only; w' = w·f, removed below 0.001; factor 0 deletes the set. */
export const WEAKEN_ALL = script(`
return op_weaken_all(ARGV, 2)
`);

/**
 * propagate(depth, decayPerHop, threshold, cap, maxEdges, seed...): breadth-first spreading activation.
 * Returns a flat [id, score, …] list sorted by id; scores rounded to 14 significant digits.
 */
export const PROPAGATE = script(`
local depth, dph, threshold = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local cap, max_edges = tonumber(ARGV[5]), tonumber(ARGV[6])
local seeds, is_seed = {}, {}
for i = 7, #ARGV do seeds[#seeds + 1] = ARGV[i]; is_seed[ARGV[i]] = true end
local result, order = {}, {}
if #seeds == 0 then return {} end
if depth == 0 then
  for i = 1, #seeds do order[#order + 1] = seeds[i]; result[seeds[i]] = 1.0 end
else
  local queue, head, visited = {}, 1, {}
  for i = 1, #seeds do queue[#queue + 1] = {seeds[i], 1.0, 0} end
  while head <= #queue do
    local node = queue[head]; head = head + 1
    local pk, w, d = node[1], node[2], node[3]
    if not (visited[pk] and visited[pk] >= w) then
      visited[pk] = w
      if d < depth then
        -- the top max_edges out-edges by weight, ties by descending member (ZREVRANGE order)
        local raw = redis.call('ZRANGE', CO_PREFIX .. pk, 0, -1, 'WITHSCORES')
        local edges = {}
        for i = 1, #raw, 2 do edges[#edges + 1] = {raw[i], tonumber(raw[i + 1])} end
        table.sort(edges, function(x, y) if x[2] ~= y[2] then return x[2] > y[2] end return x[1] > y[1] end)
        for i = 1, math.min(#edges, max_edges) do
          local nbr = edges[i][1]
          local p = w * dph * math.min(edges[i][2], cap)
          if p >= threshold then
            if result[nbr] == nil then order[#order + 1] = nbr end
            if result[nbr] == nil or p > result[nbr] then result[nbr] = p end
            queue[#queue + 1] = {nbr, p, d + 1}
          end
        end
      end
    end
  end
end
local ids = {}
for i = 1, #order do if not is_seed[order[i]] then ids[#ids + 1] = order[i] end end
table.sort(ids)
local out = {}
for i = 1, #ids do out[#out + 1] = ids[i]; out[#out + 1] = fmt(round14(result[ids[i]])) end
return emit(out)
`);

/**
 * composite(limit, now, rate, mod, s, c0, wDecay|'' , wConf|'', wPriority|'', order "decay,confidence,…",
 * boost id, boost score, …): Σ w·arm + boost, the arms summed in the declared order, then descending score
 * with ties by descending id (ZREVRANGE), cut to limit, then records that do not exist are dropped
 * (hydration). Returns a flat [id, score, …] list.
 */
export const COMPOSITE = script(
  `
local limit = tonumber(ARGV[2])
local P = decay_params(3)
local weights = {decay = tonumber(ARGV[8]), confidence = tonumber(ARGV[9]), priority = tonumber(ARGV[10])}
local arm_order = ARGV[11]
local acc, seen = {}, {}
local function add(id, v)
  if v ~= v then v = 0 end   -- ZUNIONSTORE turns NaN products into 0
  if seen[id] then acc[id] = acc[id] + v else seen[id] = true; acc[id] = v end
end
for arm in string.gmatch(arm_order, '[^,]+') do
  local w = weights[arm]
  if arm == 'decay' then
    local scores = all_scores(P)
    for i = 1, #scores do add(scores[i][1], w * scores[i][2]) end
  elseif arm == 'confidence' then
    local raw = redis.call('HGETALL', CONF)
    for i = 1, #raw, 2 do
      local c = tonumber(string.match(raw[i + 1], '^(%S+)')) or P.c0
      add(raw[i], w * c)
    end
  elseif arm == 'priority' then
    local raw = redis.call('ZRANGE', PRIORITY, 0, -1, 'WITHSCORES')
    for i = 1, #raw, 2 do add(raw[i], w * tonumber(raw[i + 1])) end
  end
end
for i = 12, #ARGV, 2 do add(ARGV[i], tonumber(ARGV[i + 1])) end  -- co-occurrence boost, weight 1.0
local ids = {}
for id in pairs(seen) do ids[#ids + 1] = id end
table.sort(ids, function(x, y) if acc[x] ~= acc[y] then return acc[x] > acc[y] end return x > y end)
local out = {}
for i = 1, math.min(limit, #ids) do
  if redis.call('HEXISTS', REC, ids[i]) == 1 then out[#out + 1] = ids[i]; out[#out + 1] = fmt(acc[ids[i]]) end
end
return emit(out)
`,
  true,
);

/** topByDecay(limit, now, rate, mod, s, c0): descending cyclic decay score, ties by ascending id. */
export const TOP_BY_DECAY = script(
  `
local limit = tonumber(ARGV[2])
local P = decay_params(3)
local scores = all_scores(P)
table.sort(scores, function(x, y) if x[2] ~= y[2] then return x[2] > y[2] end return x[1] < y[1] end)
local out = {}
for i = 1, math.min(limit, #scores) do out[#out + 1] = scores[i][1]; out[#out + 1] = fmt(scores[i][2]) end
return emit(out)
`,
  true,
);

/**
 * batch(name, args…, name, args…, …): runs write operations in order inside one script call, so a replay
 * pays one round trip and one script invocation per batch instead of one per step. Returns the results of
 * the saves, in order ('saved' or 'filtered').
 */
export const BATCH = script(`
local ARITY = {save = 8, touch = 2, outcome = 12, link = 4, strengthen = 4, weakenAll = 2}
local RUN = {save = op_save, touch = op_touch, outcome = op_outcome, link = op_link, strengthen = op_strengthen, weakenAll = op_weaken_all}
local saves = {}
local i = 2
while i <= #ARGV do
  local name = ARGV[i]
  local run = RUN[name]
  if not run then return redis.error_reply('unknown batch operation ' .. tostring(name)) end
  local result = run(ARGV, i + 1)
  if name == 'save' then saves[#saves + 1] = result end
  i = i + 1 + ARITY[name]
end
return emit(saves)
`);

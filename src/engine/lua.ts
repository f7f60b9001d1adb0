/**
 * The memory model's Lua scripts. They run inside Redis (Lua 5.1) and, unchanged, inside the embedded
 * emulator (Lua 5.3 via fengari), so they keep to the common subset: `^` instead of `math.pow`, no
 * cjson/cmsgpack, strings for every number handed back (Redis truncates Lua numbers to integers), and
 * `{unpack(t)}` for returned arrays (the emulator only converts tables built by a constructor).
 *
 * A record state is nine keys under one prefix, all with the run's Redis Cluster hash tag:
 *   records   HASH  id → importance (existence of the record, and its decay base score)
 *   decay     ZSET  id → epoch seconds of the last save or touch
 *   conf      HASH  id → "confidence evidence corroborations contradictions"
 *   cycles    HASH  id → "period amplitude phase;…" in declared order
 *   pressure  HASH  id → "rate last_resolved"
 *   priority  ZSET  id → write-filter score (never reduced)
 *   ledger    HASH  id → "pending" or "resolved": the record's prediction (PredictionLedger)
 *   partition HASH  id → the partition its partitioned indexes file it under (absent: unpartitioned)
 *   bloom     HASH  fingerprint → policy id: the PolicyCache fingerprints crystallised (an exact set); its
 *             values tell the PolicyEntry model's records from the memories
 * a co-occurrence graph is one ZSET per record (`<prefix>co:<id>`: neighbour → weight), and a registry SET
 * lists every key a run created (cleanup deletes exactly these). The single-run scripts get KEYS registry,
 * records, decay, conf, cycles, pressure, priority, ledger, bloom, partition and ARGV[1] = the graph prefix.
 *
 * The operations act on a store with one interface and two implementations: commands on the keys
 * (the single-run scripts), or a working copy of one state held in Lua tables inside the script call,
 * loaded from its keys and written back to them when a later call continues it (the fused script). Both hold
 * the same strings and doubles, and nothing the model computes depends on the order of a hash or a set
 * (every ranking and pruning sorts by a total order), so both give the same results: the reference test
 * compares every point.
 */

/** The ContextAssembler's propagation, fixed in the recipe (not CO_OCCURRENCE_DECAY_PER_HOP). */
export const FIXED_ASSEMBLER = { depth: 2, decayPerHop: 0.5, threshold: 0.01 } as const;

export const KEY_NAMES = [
  'registry',
  'records',
  'decay',
  'conf',
  'cycles',
  'pressure',
  'priority',
  'ledger',
  'bloom',
  'partition',
] as const;

const PRELUDE = `
local REG = KEYS[1]

-- Exact decimal form of a double (17 significant digits round-trip).
local function fmt(x) return string.format('%.17g', x) end
-- popoto returns Lua scores through tostring, which keeps 14 significant digits.
local function round14(x) return tonumber(tostring(x)) end
local function emit(t) if #t > 7000 then return t end return {unpack(t)} end
-- Each key is added to the registry once per script call (SADD is idempotent; this saves the calls), and
-- every key of a run expires a day after its last write: the safety net when a run is killed (SIGKILL)
-- before it can remove its keys. Cleanup still deletes them at the end of every run.
local KEY_TTL_MS = 86400000
local tracked = {}
local function track(key)
  if not tracked[key] then
    tracked[key] = true
    redis.call('SADD', REG, key)
    redis.call('PEXPIRE', REG, KEY_TTL_MS)
    redis.call('PEXPIRE', key, KEY_TTL_MS)
  end
end
local function clamp01(x) if x < 0 then return 0 elseif x > 1 then return 1 end return x end

local HASHES = {'records', 'conf', 'cycles', 'pressure', 'ledger', 'bloom', 'partition'}
local ZSETS = {'decay', 'priority'}

local function pairs_of(raw)
  local list = {}
  for i = 1, #raw, 2 do list[#list + 1] = {raw[i], raw[i + 1]} end
  return list
end
local function scored_pairs(raw)
  local list = {}
  for i = 1, #raw, 2 do list[#list + 1] = {raw[i], tonumber(raw[i + 1])} end
  return list
end
local function parse_conf(raw)
  local c, n, corr, contra = string.match(raw, '^(%S+) (%S+) (%S+) (%S+)$')
  if not c then return nil end
  return {c = tonumber(c), n = tonumber(n), corr = tonumber(corr), contra = tonumber(contra)}
end

-- "period amplitude phase[ baseline]" entries joined by ';': the baseline is the amplitude declared at the
-- record's last save (absent in a declaration). A declared amplitude 'D' (a cycle from temporal discovery)
-- parses as nil: the save resolves it to INITIAL_CYCLE_AMPLITUDE.
local function parse_cycles(raw)
  local list = {}
  for entry in string.gmatch(raw, '[^;]+') do
    local p, a, ph, b = string.match(entry, '^(%S+) (%S+) (%S+) ?(%S*)$')
    if p then list[#list + 1] = {tonumber(p), tonumber(a), tonumber(ph), tonumber(b)} end
  end
  return list
end

local function parse_pressure(raw)
  local rate, last = string.match(raw, '^(%S+) (%S+)$')
  return {rate = tonumber(rate), last = tonumber(last)}
end

-- How each hash's values are written in Redis: the base score; "confidence evidence corroborations
-- contradictions"; "period amplitude phase;…"; "rate last_resolved", every number in exact decimal form.
local RAW = {encode = function(v) return v end, decode = function(raw) return raw end}  -- plain strings
local CODEC = {
  records = {encode = fmt, decode = function(raw) return tonumber(raw) or 1.0 end},
  conf = {
    encode = function(e) return fmt(e.c) .. ' ' .. fmt(e.n) .. ' ' .. fmt(e.corr) .. ' ' .. fmt(e.contra) end,
    decode = parse_conf,
  },
  cycles = {
    encode = function(list)
      local parts = {}
      for i = 1, #list do
        local c = list[i]
        parts[i] = fmt(c[1]) .. ' ' .. fmt(c[2]) .. ' ' .. fmt(c[3]) .. (c[4] and (' ' .. fmt(c[4])) or '')
      end
      return table.concat(parts, ';')
    end,
    decode = parse_cycles,
  },
  pressure = {encode = function(p) return fmt(p.rate) .. ' ' .. fmt(p.last) end, decode = parse_pressure},
  ledger = RAW,
  bloom = RAW,
  partition = RAW,
}

-- Runs a variadic command over a long argument list in slices (Lua's unpack has a limit).
local function in_slices(command, key, args)
  for i = 1, #args, 1000 do redis.call(command, key, unpack(args, i, math.min(i + 999, #args))) end
end

-- The store on Redis keys: key names by kind (records, decay, …) and the graph prefix.
local function key_store(key, co_prefix)
  local S = {}
  function S.hget(kind, id)
    local raw = redis.call('HGET', key[kind], id)
    if raw then return CODEC[kind].decode(raw) end
    return nil
  end
  function S.hset(kind, id, v) redis.call('HSET', key[kind], id, CODEC[kind].encode(v)); track(key[kind]) end
  function S.hsetnx(kind, id, v)
    if redis.call('HSETNX', key[kind], id, CODEC[kind].encode(v)) == 1 then track(key[kind]); return true end
    return false
  end
  function S.hdel(kind, id) redis.call('HDEL', key[kind], id) end
  function S.hall(kind)
    local list = pairs_of(redis.call('HGETALL', key[kind]))
    for i = 1, #list do list[i][2] = CODEC[kind].decode(list[i][2]) end
    return list
  end
  function S.zadd(kind, member, score) redis.call('ZADD', key[kind], fmt(score), member); track(key[kind]) end
  function S.zall(kind) return scored_pairs(redis.call('ZRANGE', key[kind], 0, -1, 'WITHSCORES')) end
  -- Adds the edge unless it exists; returns the new number of out-edges, or nil when it existed.
  function S.co_insert(src, dst, w)
    if redis.call('ZSCORE', co_prefix .. src, dst) then return nil end
    redis.call('ZADD', co_prefix .. src, fmt(w), dst); track(co_prefix .. src)
    return redis.call('ZCARD', co_prefix .. src)
  end
  -- w' = min((w or 0) + delta, cap); creates a missing edge.
  function S.co_increase(src, dst, delta, cap)
    local w = tonumber(redis.call('ZSCORE', co_prefix .. src, dst) or '0') or 0
    redis.call('ZADD', co_prefix .. src, fmt(math.min(w + delta, cap)), dst); track(co_prefix .. src)
  end
  function S.co_edges(src) return scored_pairs(redis.call('ZRANGE', co_prefix .. src, 0, -1, 'WITHSCORES')) end
  function S.co_rem(src, dst) redis.call('ZREM', co_prefix .. src, dst) end
  function S.co_del(src) redis.call('DEL', co_prefix .. src) end
  -- Every out-edge weight times f; an edge that falls below \`floor\` is removed.
  function S.co_scale(src, f, floor)
    local key = co_prefix .. src
    local raw = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
    for i = 1, #raw, 2 do
      local w = tonumber(raw[i + 1]) * f
      if w < floor then redis.call('ZREM', key, raw[i]) else redis.call('ZADD', key, fmt(w), raw[i]) end
    end
  end
  return S
end

local function state_keys(prefix)
  local key = {}
  for _, kind in ipairs(HASHES) do key[kind] = prefix .. ':' .. kind end
  for _, kind in ipairs(ZSETS) do key[kind] = prefix .. ':' .. kind end
  return key
end

-- The store as a working copy in Lua tables, holding values as the model reads them (encoded only when
-- written back). \`load\` reads a state's keys (and the graph's, listed in the
-- registry); \`flush\` writes every key back as it would stand after the same commands (an emptied key is
-- deleted, as Redis deletes it).
local function memory_store(key, co_prefix)
  local S, H, Z, CO, CARD = {}, {}, {}, {}, {}
  local loaded = false  -- nothing to delete before writing back a state that did not exist
  for _, kind in ipairs(HASHES) do H[kind] = {} end
  for _, kind in ipairs(ZSETS) do Z[kind] = {} end
  function S.hget(kind, id) return H[kind][id] end
  function S.hset(kind, id, v) H[kind][id] = v end
  function S.hsetnx(kind, id, v) if H[kind][id] == nil then H[kind][id] = v; return true end return false end
  function S.hdel(kind, id) H[kind][id] = nil end
  function S.hall(kind)
    local list = {}
    for f, v in pairs(H[kind]) do list[#list + 1] = {f, v} end
    return list
  end
  function S.zadd(kind, member, score) Z[kind][member] = score end
  function S.zall(kind)
    local list = {}
    for m, v in pairs(Z[kind]) do list[#list + 1] = {m, v} end
    return list
  end
  local function edges(src)
    local e = CO[src]
    if not e then e = {}; CO[src] = e; CARD[src] = 0 end
    return e
  end
  function S.co_insert(src, dst, w)
    local e = edges(src)
    if e[dst] ~= nil then return nil end
    e[dst] = w
    local card = CARD[src] + 1
    CARD[src] = card
    return card
  end
  function S.co_increase(src, dst, delta, cap)
    local e = edges(src)
    local w = e[dst]
    if w == nil then CARD[src] = CARD[src] + 1; w = 0 end
    e[dst] = math.min(w + delta, cap)
  end
  function S.co_edges(src)
    local list = {}
    for m, w in pairs(CO[src] or {}) do list[#list + 1] = {m, w} end
    return list
  end
  function S.co_rem(src, dst)
    local e = CO[src]
    if e and e[dst] ~= nil then e[dst] = nil; CARD[src] = CARD[src] - 1 end
  end
  function S.co_del(src) if CO[src] then CO[src] = {}; CARD[src] = 0 end end
  function S.co_scale(src, f, floor)
    local e = CO[src]
    if not e then return end
    for m, w in pairs(e) do  -- assigning or clearing an existing field during pairs() is allowed
      local scaled = w * f
      if scaled < floor then e[m] = nil; CARD[src] = CARD[src] - 1 else e[m] = scaled end
    end
  end
  function S.load_records()
    loaded = true
    for _, kind in ipairs(HASHES) do
      for _, kv in ipairs(pairs_of(redis.call('HGETALL', key[kind]))) do H[kind][kv[1]] = CODEC[kind].decode(kv[2]) end
    end
    for _, kind in ipairs(ZSETS) do
      for _, kv in ipairs(scored_pairs(redis.call('ZRANGE', key[kind], 0, -1, 'WITHSCORES'))) do Z[kind][kv[1]] = kv[2] end
    end
  end
  function S.load_graph()
    loaded = true
    local members = redis.call('SMEMBERS', REG)
    for _, k in ipairs(members) do
      if string.sub(k, 1, #co_prefix) == co_prefix then
        local src = string.sub(k, #co_prefix + 1)
        for _, kv in ipairs(scored_pairs(redis.call('ZRANGE', k, 0, -1, 'WITHSCORES'))) do S.co_insert(src, kv[1], kv[2]) end
      end
    end
  end
  function S.flush_records()
    for _, kind in ipairs(HASHES) do
      local args = {}
      for f, v in pairs(H[kind]) do args[#args + 1] = f; args[#args + 1] = CODEC[kind].encode(v) end
      if loaded then redis.call('DEL', key[kind]) end
      if #args > 0 then in_slices('HSET', key[kind], args); track(key[kind]) end
    end
    for _, kind in ipairs(ZSETS) do
      local args = {}
      for m, v in pairs(Z[kind]) do args[#args + 1] = fmt(v); args[#args + 1] = m end
      if loaded then redis.call('DEL', key[kind]) end
      if #args > 0 then in_slices('ZADD', key[kind], args); track(key[kind]) end
    end
  end
  function S.flush_graph()
    for src, e in pairs(CO) do
      local args = {}
      for m, w in pairs(e) do args[#args + 1] = fmt(w); args[#args + 1] = m end
      if loaded then redis.call('DEL', co_prefix .. src) end
      if #args > 0 then in_slices('ZADD', co_prefix .. src, args); track(co_prefix .. src) end
    end
  end
  return S
end

-- The store the operations act on.
local ST

local function read_conf(id)
  return ST.hget('conf', id)
end

local function write_conf(id, e)
  ST.hset('conf', id, e)
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

local function read_cycles(id)
  return ST.hget('cycles', id) or {}
end

local function write_cycles(id, list)
  ST.hset('cycles', id, list)
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

local function read_pressure(id)
  return ST.hget('pressure', id)
end

local function write_pressure(id, rate, last)
  ST.hset('pressure', id, {rate = rate, last = last})
end

-- resolve_pressure: only for records whose declared pressure rate is positive.
local function resolve_pressure(id, now)
  local p = read_pressure(id)
  if p and p.rate > 0 then write_pressure(id, p.rate, now) end
end
`;

/**
 * Every write operation as a function of its own fields and the constants of the state it writes to:
 * K (records: wf_min, wf_priority, c0, cap, eps, acted_signal, contradicted_signal, acted_factor,
 * dismissed_factor, contradicted_factor, discharge) for saves and outcomes. The single-run scripts, BATCH and
 * the fused multi-variant script all call these, so every path applies the same arithmetic.
 */
const OPERATIONS = `
-- \`cycles\`: the declared cycles as {period, amplitude, phase} lists, parsed once (parse_cycles) and
-- copied here, since the stored amplitudes are merged into the copy.
local function op_save(id, score, now, cycles, pressure_rate, partition, K)
if score < K.wf_min then return 'filtered' end             -- strict: score == threshold is kept
ST.hset('records', id, score)
-- The partition its partitioned indexes file it under (a re-save with another one moves it).
if partition ~= '' then ST.hset('partition', id, partition) else ST.hdel('partition', id) end
ST.zadd('decay', id, now)                   -- auto_now: every save resets the decay clock
ST.hsetnx('conf', id, {c = K.c0, n = 0, corr = 0, contra = 0})
-- Cycles in declared order, merged with the stored ones by period (first in, first out), popoto's three-way
-- rule (#698): the learned amplitude is kept when the stored baseline (the amplitude declared at the last
-- save) is unknown or equals this declaration; an edited declaration wins and the learned amplitude is
-- dropped. Every entry's baseline becomes this declaration.
local declared = {}
for i = 1, #cycles do
  local amplitude = cycles[i][2] or K.cycle_amp
  declared[i] = {cycles[i][1], amplitude, cycles[i][3], amplitude}
end
if #declared == 0 then
  ST.hdel('cycles', id)
else
  local stored, used = read_cycles(id), {}
  for i = 1, #declared do
    for j = 1, #stored do
      if not used[j] and stored[j][1] == declared[i][1] then
        used[j] = true
        local baseline = stored[j][4]
        if baseline == nil or baseline == declared[i][4] then declared[i][2] = stored[j][2] end
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
  ST.hdel('pressure', id)
end
if score >= K.wf_priority then ST.zadd('priority', id, score) end
return 'saved'
end

local function op_touch(id, now)
if ST.hget('records', id) == nil then return 'missing' end
ST.zadd('decay', id, now)
return 'touched'
end

-- PredictionLedger record_prediction: a new prediction, pending (it replaces any earlier one, resolved or not).
local function op_predict(id)
if ST.hget('records', id) == nil then return 'missing' end
ST.hset('ledger', id, 'pending')
return 'predicted'
end

-- PredictionLedger auto_resolve: a pending prediction is resolved once with the outcome's error; an error
-- above the gate (strictly) lowers confidence with the low signal, immediately.
local function auto_resolve(id, err, K)
if ST.hget('ledger', id) ~= 'pending' then return end
ST.hset('ledger', id, 'resolved')
if err > K.pl_threshold then update_conf(id, K.pl_low_signal, K.c0, K.cap) end
end

-- PolicyCache wilson_ci_lower(successes, total) with popoto's z = 1.96, in its order of operations.
local function wilson_lower(s, n)
if n == 0 then return 0 end
local z = 1.96
local p = s / n
local denominator = 1 + z ^ 2 / n
local center = p + z ^ 2 / (2 * n)
local spread = z * (p * (1 - p) / n + z ^ 2 / (4 * n ^ 2)) ^ 0.5
return (center - spread) / denominator
end

-- PolicyCache crystallization_handler for one (fingerprint, action) group of one batch: at least
-- MIN_EVENTS_FOR_CRYSTALLIZATION events, a Wilson lower bound above WILSON_CI_THRESHOLD (strictly), and a
-- fingerprint never crystallised before (the Bloom filter is keyed by fingerprint alone; its ~1 % false
-- positives are not modelled). The PolicyEntry is saved with q = the bound as its decay base score, the
-- decay clock at now and confidence 0.5 (PolicyEntry's own ConfidenceField, not INITIAL_CONFIDENCE); no
-- write filter.
local function op_crystallize(id, fingerprint, successes, total, now, K)
if total < K.min_events then return 'few' end
local q = wilson_lower(successes, total)
if q <= K.wilson then return 'weak' end
if ST.hget('bloom', fingerprint) ~= nil then return 'known' end
ST.hset('bloom', fingerprint, id)   -- the policy's id: it tells the PolicyEntry model's records apart
ST.hset('records', id, q)
ST.zadd('decay', id, now)
ST.hsetnx('conf', id, {c = 0.5, n = 0, corr = 0, contra = 0})
return 'crystallized'
end

-- TDValueField.td_update: Q' = Q + α(r + γ·maxQ' − Q), stored through tostring (14 significant digits); the
-- decay clock is left alone.
local function op_td(id, reward, max_future_q, K)
local q = ST.hget('records', id)
if q == nil then return 'missing' end
local td_error = reward + K.td_gamma * max_future_q - q
ST.hset('records', id, round14(q + K.td_alpha * td_error))
return 'updated'
end

local function op_outcome(id, outcome, now, K)
if ST.hget('records', id) == nil then return 'missing' end  -- unsaved instances are skipped
if outcome == 'acted' then
  ST.zadd('decay', id, now)                   -- (a) touch
  scale_cycles(id, K.acted_factor)            -- (c) strengthen_cycle, then resolve_pressure
  resolve_pressure(id, now)
  update_conf(id, K.acted_signal, K.c0, K.cap) -- (d) confidence
  auto_resolve(id, K.pl_acted, K)             -- (e) prediction ledger
elseif outcome == 'dismissed' then
  scale_cycles(id, K.dismissed_factor)        -- (b) weaken_cycle; no confidence, no decay change
  auto_resolve(id, K.pl_dismissed, K)         -- (c) prediction ledger
elseif outcome == 'contradicted' then
  scale_cycles(id, K.contradicted_factor)     -- (b) weaken_cycle
  update_conf(id, K.contradicted_signal, K.c0, K.cap) -- (c) confidence
  auto_resolve(id, K.pl_contradicted, K)      -- (d) prediction ledger, before the auto-discharge check
  local e = read_conf(id)                     -- (e) auto-discharge reads confidence after (c) and (d)
  local c = K.c0
  if e then c = e.c end
  if c < K.discharge - K.eps then resolve_pressure(id, now) end
elseif outcome == 'used' then
  auto_resolve(id, K.pl_used, K)              -- confirm_access, then the prediction ledger
end
-- 'deferred' (and 'used' apart from its prediction) changes only access bookkeeping, which no ranking arm
-- here reads.
return outcome
end

-- One direction of link: insert if absent, then prune the lowest beyond max_edges.
local function link_one(src, dst, w, max_edges)
  local card = ST.co_insert(src, dst, w)
  if card and card > max_edges then
    -- lowest weight first, ties by ascending member; the new edge itself may go
    local edges = ST.co_edges(src)
    table.sort(edges, function(x, y) if x[2] ~= y[2] then return x[2] < y[2] end return x[1] < y[1] end)
    for i = 1, card - max_edges do ST.co_rem(src, edges[i][1]) end
  end
end

local function op_link(a, b, w, max_edges)
link_one(a, b, w, max_edges)
link_one(b, a, w, max_edges)
return 'linked'
end

local function op_strengthen(a, b, delta, cap)
ST.co_increase(a, b, delta, cap)
ST.co_increase(b, a, delta, cap)
return 'strengthened'
end

local function op_weaken_all(id, f)
if f == 0 then ST.co_del(id) return 'weakened' end
ST.co_scale(id, f, 0.001)
return 'weakened'
end

-- The record-state constants K as the single-run scripts pass them (ARGV from \`first\`).
local function save_constants(A, first)
  return {
    wf_min = tonumber(A[first]), wf_priority = tonumber(A[first + 1]), c0 = tonumber(A[first + 2]),
    cycle_amp = tonumber(A[first + 3]),
  }
end
local function policy_constants(A, first)
  return {
    min_events = tonumber(A[first]), wilson = tonumber(A[first + 1]),
    td_alpha = tonumber(A[first + 2]), td_gamma = tonumber(A[first + 3]),
  }
end
local function outcome_constants(A, first)
  return {
    c0 = tonumber(A[first]), cap = tonumber(A[first + 1]), eps = tonumber(A[first + 2]),
    acted_signal = tonumber(A[first + 3]), contradicted_signal = tonumber(A[first + 4]),
    acted_factor = tonumber(A[first + 5]), dismissed_factor = tonumber(A[first + 6]),
    contradicted_factor = tonumber(A[first + 7]), discharge = tonumber(A[first + 8]),
    pl_threshold = tonumber(A[first + 9]), pl_low_signal = tonumber(A[first + 10]),
    pl_acted = tonumber(A[first + 11]), pl_dismissed = tonumber(A[first + 12]),
    pl_contradicted = tonumber(A[first + 13]), pl_used = tonumber(A[first + 14]),
  }
end

-- A single-run operation from its ARGV fields (the layout MemoryEngine sends), starting at \`o\`.
local function run_single(name, A, o)
  if name == 'save' then
    return op_save(A[o], tonumber(A[o + 1]), tonumber(A[o + 2]), parse_cycles(A[o + 7]), tonumber(A[o + 8]), A[o + 9], save_constants(A, o + 3))
  elseif name == 'touch' then
    return op_touch(A[o], tonumber(A[o + 1]))
  elseif name == 'outcome' then
    return op_outcome(A[o], A[o + 1], tonumber(A[o + 2]), outcome_constants(A, o + 3))
  elseif name == 'predict' then
    return op_predict(A[o])
  elseif name == 'crystallize' then
    return op_crystallize(A[o], A[o + 1], tonumber(A[o + 2]), tonumber(A[o + 3]), tonumber(A[o + 4]), policy_constants(A, o + 5))
  elseif name == 'td' then
    return op_td(A[o], tonumber(A[o + 1]), tonumber(A[o + 2]), policy_constants(A, o + 3))
  elseif name == 'link' then
    return op_link(A[o], A[o + 1], tonumber(A[o + 2]), tonumber(A[o + 3]))
  elseif name == 'strengthen' then
    return op_strengthen(A[o], A[o + 1], tonumber(A[o + 2]), tonumber(A[o + 3]))
  elseif name == 'weakenAll' then
    return op_weaken_all(A[o], tonumber(A[o + 1]))
  end
  return redis.error_reply('unknown operation ' .. tostring(name))
end
`;

/**
 * Reading and ranking, shared by the single-run scripts and the fused one. A record state is read once
 * (`read_records`): every hash parsed into Lua values, so scoring it under several decay settings parses
 * nothing twice. The cyclic decay score S(m) is engine-semantics §1.2 and §2.2, rounded to 14 significant
 * digits. P: now, r (rate), mod (modulation on), s (strength), c0.
 */
const SCORING = `
local function decay_params(first)
  return {
    now = tonumber(ARGV[first]), r = tonumber(ARGV[first + 1]), mod = ARGV[first + 2] == '1',
    s = tonumber(ARGV[first + 3]), c0 = tonumber(ARGV[first + 4]),
  }
end

-- The store's record state as Lua values: the decay index in index order, each record's base score, clamped
-- confidence (nil when absent), cycles and pressure, the confidence and priority arms' members, and which
-- records are PolicyEntry instances (\`policy\`; nil when there are none).
local function read_records()
  local S = {index = {}, base = {}, conf = {}, entry = {}, cycles = {}, pressure = {}, conf_arm = {}, priority = {}}
  for _, kv in ipairs(ST.hall('bloom')) do
    S.policy = S.policy or {}
    S.policy[kv[2]] = true
  end
  for _, kv in ipairs(ST.hall('records')) do S.base[kv[1]] = kv[2] end
  for _, kv in ipairs(ST.hall('conf')) do
    local e = kv[2]
    S.entry[kv[1]] = e
    if e and e.c then S.conf[kv[1]] = clamp01(e.c) end
    S.conf_arm[#S.conf_arm + 1] = {kv[1], e and e.c}
  end
  for _, kv in ipairs(ST.hall('partition')) do
    S.partition = S.partition or {}
    S.partition[kv[1]] = kv[2]
  end
  for _, kv in ipairs(ST.hall('cycles')) do S.cycles[kv[1]] = kv[2] end
  for _, kv in ipairs(ST.hall('pressure')) do S.pressure[kv[1]] = kv[2] end
  S.index = ST.zall('decay')
  S.priority = ST.zall('priority')
  return S
end

local NO_CYCLES = {}
local math_max, math_cos, TWO_PI = math.max, math.cos, 2 * math.pi
local function cyclic_score(id, ts, P, S)
  local t = math_max((P.now - ts) / 86400, 0.01)   -- days, floored at 0.01 day (864 s)
  local b = S.base[id] or 1.0
  local d = b * t ^ (-P.r)
  if P.mod then
    -- A PolicyEntry's ConfidenceField starts at 0.5, whatever INITIAL_CONFIDENCE is: its modulation reference.
    local c0 = (S.policy and S.policy[id]) and 0.5 or P.c0
    local c = S.conf[id] or c0
    local reff = P.r * 2 ^ (2 * P.s * (c0 - c))
    d = d * math_max(t, 1) ^ (-(reff - P.r))
  end
  local cycles = S.cycles[id] or NO_CYCLES
  for i = 1, #cycles do
    local period, amp, phase = cycles[i][1], cycles[i][2], cycles[i][3]
    if period > 0 then d = d + amp * math_cos(TWO_PI * (P.now - phase) / period) end
  end
  local p = S.pressure[id]
  if p and p.rate > 0 then d = d + p.rate * math_max(0, (P.now - p.last) / 86400) end
  return round14(d)
end

-- Whether id belongs to the queried model ('memory' or 'policy'): each model has its own indexes in popoto.
local function in_model(S, id, model)
  if not S.policy then return model ~= 'policy' end
  return (S.policy[id] == true) == (model == 'policy')
end

-- Whether id is in the partitioned indexes a query filtered to \`partition\` reads ('' or nil: no filter, every
-- record). The decay and confidence arms are partitioned; the priority set and the co-occurrence graph are not.
local function in_partition(S, id, partition)
  if partition == nil or partition == '' then return true end
  return S.partition ~= nil and S.partition[id] == partition
end

-- Every member of the model's decay index (the partition's, when filtered) with its score, in index order.
-- (in_model and in_partition, inlined: this loop runs for every record of every state.)
local function decay_scores(S, P, model, partition)
  local out, n = {}, 0
  local index, policy, parts = S.index, S.policy, S.partition
  local filtered = partition ~= nil and partition ~= ''
  if filtered and parts == nil then return out end
  local want_policy = model == 'policy'
  for i = 1, #index do
    local entry = index[i]
    local id = entry[1]
    local member
    if policy == nil then member = not want_policy else member = (policy[id] == true) == want_policy end
    if member and (not filtered or parts[id] == partition) then
      n = n + 1
      out[n] = {id, cyclic_score(id, entry[2], P, S)}
    end
  end
  return out
end

-- The first k of items under the strict total order \`before\`, in that order: a bounded insertion, the
-- same result as sorting everything and cutting to k, at a fraction of the comparisons when k is small.
local function top_k(items, k, before)
  local top, n = {}, 0
  if k <= 0 then return top end
  for i = 1, #items do
    local item = items[i]
    if n < k or before(item, top[n]) then
      local j = (n < k) and n + 1 or n
      while j > 1 and before(item, top[j - 1]) do top[j] = top[j - 1]; j = j - 1 end
      top[j] = item
      if n < k then n = n + 1 end
    end
  end
  return top
end

-- popoto's top_by_decay: descending score, ties by ascending id.
local function decay_order(x, y) if x[2] ~= y[2] then return x[2] > y[2] end return x[1] < y[1] end
local function top_by_decay(scores, limit)
  return top_k(scores, limit, decay_order)
end

-- popoto's composite_score: Σ w·arm in the declared arm order, then the co-occurrence boost (weight 1.0,
-- a list of {id, score}); descending score, ties by descending id (ZREVRANGE), cut to limit, then records
-- that do not exist are dropped (hydration). \`decay\` is a thunk, so arms that are not asked for cost nothing.
-- Σ w·arm in the declared arm order, per id (NaN products count 0, as ZUNIONSTORE makes them).
local function arm_sums(S, P, decay, weights, arm_order, model, partition)
  local acc = {}
  local mixed = S.policy ~= nil
  local filtered = partition ~= nil and partition ~= ''
  for arm in string.gmatch(arm_order, '[^,]+') do
    local w = weights[arm]
    local list, default = nil, nil
    if arm == 'decay' then list = decay()
    elseif arm == 'confidence' then list, default = S.conf_arm, P.c0
    elseif arm == 'priority' then list = S.priority end
    if list then
      local scoped = filtered and arm == 'confidence'
      for i = 1, #list do
        local id, v = list[i][1], w * (list[i][2] or default)
        if v ~= v then v = 0 end
        if (not mixed or in_model(S, id, model)) and (not scoped or in_partition(S, id, partition)) then
          local a = acc[id]
          if a == nil then acc[id] = v else acc[id] = a + v end
        end
      end
    end
  end
  return acc
end

-- The ranking order of composite_score: descending score, ties by descending id (ZREVRANGE).
local function composite_before(x, y) if x[2] ~= y[2] then return x[2] > y[2] end return x[1] > y[1] end

-- The arm sums as {id, score} in ranking order, computed once and shared by every boost.
local function sorted_sums(sums)
  local list = {}
  for id, v in pairs(sums) do list[#list + 1] = {id, v} end
  table.sort(list, composite_before)
  return list
end

-- popoto's composite_score: the arm sums plus the co-occurrence boost (weight 1.0, a list of {id, score}),
-- in ranking order, cut to limit, then records that do not exist are dropped (hydration). The ids the boost
-- leaves alone keep their order in \`sorted\` (sorted_sums), so the cut is a merge of the first \`limit\` of
-- them with the boosted ids: the same as ranking every id, at a fraction of the work.
local function composite_rank(S, sums, boost, limit, sorted, model)
  sorted = sorted or sorted_sums(sums)
  local extra = nil
  local boosted = {}
  if #boost > 0 then
    extra = {}
    for i = 1, #boost do
      local id, v = boost[i][1], boost[i][2]
      if v ~= v then v = 0 end   -- ZUNIONSTORE turns NaN products into 0
      -- The other model's records are not in this model's indexes (records that exist nowhere still are).
      if not (S.policy and S.base[id] ~= nil and not in_model(S, id, model)) then
        if extra[id] == nil then extra[id] = v else extra[id] = extra[id] + v end
      end
    end
    for id, b in pairs(extra) do
      local v = sums[id]
      if v == nil then boosted[#boosted + 1] = {id, b} else boosted[#boosted + 1] = {id, v + b} end
    end
    table.sort(boosted, composite_before)
  end
  local out = {}
  local i, j = 1, 1
  while #out < limit do
    while sorted[i] and extra and extra[sorted[i][1]] ~= nil do i = i + 1 end
    local a, b = sorted[i], boosted[j]
    local take
    if a and b then
      if composite_before(b, a) then take = b; j = j + 1 else take = a; i = i + 1 end
    elseif a then take = a; i = i + 1
    elseif b then take = b; j = j + 1
    else break end
    out[#out + 1] = take
  end
  local kept = {}
  for k = 1, #out do
    if S.base[out[k][1]] ~= nil then kept[#kept + 1] = out[k] end
  end
  return kept
end

-- Breadth-first spreading activation over the store's graph from the seeds (which get no score). Returns
-- {id, score} sorted by id, scores rounded to 14 significant digits. \`cache\`, when given, keeps each
-- node's sorted edges for later calls on the same unchanged graph.
local function propagate(seeds, depth, dph, threshold, cap, max_edges, cache)
  local is_seed, result, order = {}, {}, {}
  for i = 1, #seeds do is_seed[seeds[i]] = true end
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
          -- the top max_edges out-edges by weight, ties by descending member (ZREVRANGE order). Only which
          -- edges are taken matters, not the order they are taken in: the queue is first in, first out, so
          -- each depth is expanded before the next, and within a depth a node keeps the largest activation
          -- whatever order it arrives in. So the edges are sorted only when some must be left out.
          local edges = cache and cache[pk]
          if not edges then
            edges = ST.co_edges(pk)
            if #edges > max_edges then
              table.sort(edges, function(x, y) if x[2] ~= y[2] then return x[2] > y[2] end return x[1] > y[1] end)
            end
            if cache then cache[pk] = edges end
          end
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
  for i = 1, #ids do out[i] = {ids[i], round14(result[ids[i]])} end
  return out
end

-- A ranked list as the flat [id, score, …] reply, scores in exact decimal form.
local function flat(list)
  local out = {}
  for i = 1, #list do out[#out + 1] = list[i][1]; out[#out + 1] = fmt(list[i][2]) end
  return emit(out)
end

-- ContextAssembler.assemble in composite mode (recipes/context_assembler.py). A: partition (its partition
-- filter, '' for none), M (max_items), headroom,
-- exclude (a set), cues (false: no query cues, so no pull path and no suppression), threshold (the push path's
-- min_score, inclusive, off when ≤ 0), max_tokens (nil: no budget) and tokens (per id; missing counts 0), weights
-- and order (the score weights). \`boost_for(seeds)\` is the assembler's propagate (depth 2, 0.5 per hop, threshold
-- 0.01: fixed in the recipe). Returns the selected records as {id, score} (pull records with their composite
-- score, then push records with their cyclic score) and the pull candidates left out, in rank order: the
-- targets of competitive suppression. \`cached\`, when given, supplies the partition's decay scores and the arm
-- sums (with their ranking order) from the caller's caches.
local NO_BOOST_LIST = {}
local function assemble(S, P, A, boost_for, cached)
  local limit = 2 * A.M + A.headroom
  local decay = cached and cached.decay or function() return decay_scores(S, P, 'memory', A.partition) end
  local pull = {}
  if A.cues then
    -- Pull: composite_score(weights, 2·M + headroom); its first M seed a propagation; when that reaches
    -- anything, composite_score again with the boost. Then the exclusions.
    local sums, sorted
    if cached then
      sums, sorted = cached.sums()
    else
      sums = arm_sums(S, P, decay, A.weights, A.order, 'memory', A.partition)
      sorted = sorted_sums(sums)
    end
    local C = composite_rank(S, sums, NO_BOOST_LIST, limit, sorted, 'memory')
    if #C > 0 then
      local seeds = {}
      for i = 1, math.min(A.M, #C) do seeds[i] = C[i][1] end
      local boost = boost_for(seeds)
      if #boost > 0 then C = composite_rank(S, sums, boost, limit, sorted, 'memory') end
    end
    for i = 1, #C do if not A.exclude[C[i][1]] then pull[#pull + 1] = C[i] end end
  end
  -- Push: composite_score({cyclic: 1.0}, M + headroom, min_score = threshold): the cyclic score at or above
  -- the threshold, descending, ties by descending id; then the exclusions.
  local eligible = {}
  for _, item in ipairs(decay()) do
    local v = item[2]
    if v ~= v then v = 0 end
    if A.threshold <= 0 or v >= A.threshold then eligible[#eligible + 1] = {item[1], v} end
  end
  local push = {}
  for _, item in ipairs(top_k(eligible, A.M + A.headroom, composite_before)) do
    if not A.exclude[item[1]] then push[#push + 1] = item end
  end
  -- Merge (pull first; the first occurrence of a key wins), cut to M, then the token budget: greedy first fit
  -- in rank order (a record that does not fit is skipped; the first is always admitted).
  local seen, merged = {}, {}
  for _, list in ipairs({pull, push}) do
    for _, item in ipairs(list) do
      if not seen[item[1]] then seen[item[1]] = true; merged[#merged + 1] = item end
    end
  end
  local selected = {}
  for i = 1, math.min(A.M, #merged) do selected[i] = merged[i] end
  if A.max_tokens then
    local fitted, total = {}, 0
    for _, item in ipairs(selected) do
      local t = A.tokens[item[1]] or 0
      if #fitted == 0 or total + t <= A.max_tokens then total = total + t; fitted[#fitted + 1] = item end
    end
    selected = fitted
  end
  local chosen = {}
  for _, item in ipairs(selected) do chosen[item[1]] = true end
  local suppressed = {}
  for _, item in ipairs(pull) do if not chosen[item[1]] then suppressed[#suppressed + 1] = item[1] end end
  return selected, suppressed
end

-- ConfidenceField.update_confidence on a record state read into Lua values (S), as update_conf does on the
-- store: the capped running mean, evidence and corroboration counts; the confidence arm follows.
local function update_conf_read(S, id, s, c0, cap)
  if s < 0 or s > 1 then return end
  local old = S.entry[id]
  local e = old and {c = old.c, n = old.n, corr = old.corr, contra = old.contra} or {c = c0, n = 0, corr = 0, contra = 0}
  local n_eff = math.min(e.n + 1, cap)
  e.c = clamp01(e.c + (s - e.c) / (n_eff + 1))
  e.n = e.n + 1
  if s >= 0.5 then e.corr = e.corr + 1 else e.contra = e.contra + 1 end
  if not old then S.conf_arm[#S.conf_arm + 1] = {id, e.c} end
  S.entry[id] = e
  S.conf[id] = clamp01(e.c)
  for i = 1, #S.conf_arm do if S.conf_arm[i][1] == id then S.conf_arm[i] = {id, e.c} end end
end

-- A record state's copy whose confidence can change without touching the original (the rest is shared).
local function with_own_confidence(S)
  local T = {}
  for k, v in pairs(S) do T[k] = v end
  T.conf, T.entry, T.conf_arm = {}, {}, {}
  for k, v in pairs(S.conf) do T.conf[k] = v end
  for k, v in pairs(S.entry) do T.entry[k] = v end
  for i = 1, #S.conf_arm do T.conf_arm[i] = S.conf_arm[i] end
  return T
end
`;

/** A single-run script: its state is the nine KEYS of one namespace (and ARGV[1], the graph prefix). */
function script(body: string, withScoring = false): string {
  return `${PRELUDE}${OPERATIONS}${withScoring ? SCORING : ''}
ST = key_store({records = KEYS[2], decay = KEYS[3], conf = KEYS[4], cycles = KEYS[5], pressure = KEYS[6], priority = KEYS[7], ledger = KEYS[8], bloom = KEYS[9], partition = KEYS[10]}, ARGV[1])
${body}`;
}

/**
 * save(id, importance, now, wfMin, wfPriority, c0, initialCycleAmplitude, cycles "p a ph;…" or '',
 * pressureRate): a cycle amplitude 'D' is initialCycleAmplitude. Returns 'filtered' when the write filter
 * rejects it (nothing is written), else 'saved'.
 */
export const SAVE = script(`
return run_single('save', ARGV, 2)
`);

/** touch(id, now): 'missing' for a record that was never saved. */
export const TOUCH = script(`
return run_single('touch', ARGV, 2)
`);

/**
 * outcome(id, outcome, now, c0, cap, eps, actedSignal, contradictedSignal, actedFactor, dismissedFactor,
 * contradictedFactor, autoDischargeThreshold, plErrorThreshold, plLowSignal, plActed, plDismissed,
 * plContradicted, plUsed): ObservationProtocol effects in popoto's order, the prediction ledger's included.
 */
export const OUTCOME = script(`
return run_single('outcome', ARGV, 2)
`);

/** link(a, b, weight, maxEdges): per direction, insert if absent, then prune the lowest beyond maxEdges. */
export const LINK = script(`
return run_single('link', ARGV, 2)
`);

/** strengthen(a, b, delta, cap): w' = min((w or 0) + delta, cap) both ways; creates missing edges. */
export const STRENGTHEN = script(`
return run_single('strengthen', ARGV, 2)
`);

/** weakenAll(id, factor): out-edges of id only; w' = w·f, removed below 0.001; factor 0 deletes the set. */
export const WEAKEN_ALL = script(`
return run_single('weakenAll', ARGV, 2)
`);

/**
 * propagate(depth, decayPerHop, threshold, cap, maxEdges, seed...): breadth-first spreading activation.
 * Returns a flat [id, score, …] list sorted by id; scores rounded to 14 significant digits.
 */
export const PROPAGATE = script(
  `
local seeds = {}
for i = 7, #ARGV do seeds[#seeds + 1] = ARGV[i] end
return flat(propagate(seeds, tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])))
`,
  true,
);

/**
 * composite(limit, now, rate, mod, s, c0, wDecay|'' , wConf|'', wPriority|'', order "decay,confidence,…",
 * model 'memory'|'policy', partition|'', boost id, boost score, …): Σ w·arm + boost over the model's records
 * (the decay and confidence arms only the partition's, when one is given), the arms
 * summed in the declared order, then descending score with ties by descending id (ZREVRANGE), cut to limit,
 * then records that do not exist are dropped (hydration). Returns a flat [id, score, …] list.
 */
export const COMPOSITE = script(
  `
local P = decay_params(3)
local S = read_records()
local weights = {decay = tonumber(ARGV[8]), confidence = tonumber(ARGV[9]), priority = tonumber(ARGV[10])}
local boost = {}
local model, partition = ARGV[12], ARGV[13]
for i = 14, #ARGV, 2 do boost[#boost + 1] = {ARGV[i], tonumber(ARGV[i + 1])} end
local sums = arm_sums(S, P, function() return decay_scores(S, P, model, partition) end, weights, ARGV[11], model, partition)
return flat(composite_rank(S, sums, boost, tonumber(ARGV[2]), nil, model))
`,
  true,
);

/**
 * topByDecay(limit, now, rate, mod, s, c0, model 'memory'|'policy', partition|''): the model's records (the
 * partition's, when one is given) by descending cyclic decay score, ties by ascending id.
 */
export const TOP_BY_DECAY = script(
  `
local P = decay_params(3)
return flat(top_by_decay(decay_scores(read_records(), P, ARGV[8], ARGV[9]), tonumber(ARGV[2])))
`,
  true,
);

/**
 * assemble(M, now, rate, mod, s, c0, wDecay|'', wConf|'', wPriority|'', order, headroom, cues '1'|'0',
 * surfacingThreshold, suppressionSignal, confidenceCap, maxTokens|'', weightCap, maxEdges, partition|'',
 * exclude count, excluded ids…, then (id, tokens) pairs): ContextAssembler.assemble in composite mode; the pull candidates
 * left out get update_confidence(suppressionSignal) at once. Returns the selected [id, score, …].
 */
export const ASSEMBLE = script(
  `
local P = decay_params(3)
local S = read_records()
local A = {
  M = tonumber(ARGV[2]), weights = {decay = tonumber(ARGV[8]), confidence = tonumber(ARGV[9]), priority = tonumber(ARGV[10])},
  order = ARGV[11], headroom = tonumber(ARGV[12]), cues = ARGV[13] == '1', threshold = tonumber(ARGV[14]),
  max_tokens = tonumber(ARGV[17]), partition = ARGV[20], exclude = {}, tokens = {},
}
local signal, cap, weight_cap, max_edges = tonumber(ARGV[15]), tonumber(ARGV[16]), tonumber(ARGV[18]), tonumber(ARGV[19])
local n = tonumber(ARGV[21])
for i = 22, 21 + n do A.exclude[ARGV[i]] = true end
for i = 22 + n, #ARGV, 2 do A.tokens[ARGV[i]] = tonumber(ARGV[i + 1]) end
local selected, suppressed = assemble(S, P, A, function(seeds)
  -- propagate refuses a weight cap × decay per hop of 1 or more; the assembler then keeps the unboosted list
  if weight_cap * ${FIXED_ASSEMBLER.decayPerHop} >= 1 then return {} end
  return propagate(seeds, ${FIXED_ASSEMBLER.depth}, ${FIXED_ASSEMBLER.decayPerHop}, ${FIXED_ASSEMBLER.threshold}, weight_cap, max_edges)
end)
for _, id in ipairs(suppressed) do update_conf(id, signal, P.c0, cap) end
return flat(selected)
`,
  true,
);

/**
 * batch(name, args…, name, args…, …): runs write operations in order inside one script call, so a replay
 * pays one round trip and one script invocation per batch instead of one per step. Returns the results of
 * the saves, in order ('saved' or 'filtered').
 */
export const BATCH = script(`
local ARITY = {save = 10, touch = 2, outcome = 18, predict = 1, crystallize = 9, td = 7, link = 4, strengthen = 4, weakenAll = 2}
local saves = {}
local i = 2
while i <= #ARGV do
  local name = ARGV[i]
  if not ARITY[name] then return redis.error_reply('unknown batch operation ' .. tostring(name)) end
  local result = run_single(name, ARGV, i + 1)
  if name == 'save' then saves[#saves + 1] = result end
  i = i + 1 + ARITY[name]
end
return emit(saves)
`);

/**
 * The fused multi-variant evaluation: one scenario segment (the writes up to a barrier, then the queries
 * asked there) for every constants variant a round needs, in one call. Record states and co-occurrence
 * graphs live in disjoint keys, so each distinct set of record-stage constants builds one record state
 * (`<base>:r<i>:records` …) and each distinct set of graph-stage constants one graph (`<base>:g<j>:co:<id>`);
 * the writes are shipped once and applied to each. Then every query variant (a record state, a graph and the
 * query-time constants) is answered, reading each record state once, scoring it once per distinct decay
 * setting and propagating once per distinct graph setting. Later segments continue the same states.
 *
 * Each state is built in a working copy held by the script; when a later call continues the states (a
 * script with writes after a query, or a long one sent in slices), the copy is written back to the state's
 * keys, one command per key, and loaded again by that call. The queries read the working copy, which holds
 * exactly what the keys would.
 *
 * KEYS[1] = the registry. ARGV (counts before each list):
 *   base prefix; '1' when the states exist from an earlier call (they are loaded first), else '0';
 *   '1' when a later call continues the states (they are written back), else '0';
 *   ops: save(id, score, now, cycles, pressureRate) | touch(id, now) | outcome(id, outcome, now) | predict(id) |
 *        crystallize(id, fingerprint, successes, total, now) | td(id, reward, maxFutureQ) |
 *        link(a, b, weight|'') | strengthen(a, b, delta|'') | weakenAll(id, factor|'');
 *   queries: method ('composite'|'topByDecay'|'assemble'), model ('memory'|'policy'), partition|'', limit, wDecay|'',
 *        wConf|'', wPriority|'', order, now, seed count, seeds…, and for assemble: headroom, cues (1/0),
 *        maxTokens|'', exclude count, excluded ids…, token pair count, (id, tokens)…;
 *   variants: record index, graph index, rate, mod (1/0), strength, c0, decayPerHop, weightCap, depth,
 *        threshold, maxEdges, surfacingThreshold, suppressionSignal, confidenceCap, policy index|'';
 *   graphs: index, initialWeight, weightCap, delta, decayFactor, maxEdges;
 *   policy ids (count, ids…) and policy states (count, then index and the record-state fields below): when
 *        given, policy operations (crystallize, td, any step on a policy id) build the policy states and
 *        the record states leave them out; each variant ranks its record state joined with its policy state;
 *   record states: index, wfMin, wfPriority, c0, cap, eps, actedSignal, contradictedSignal, actedFactor,
 *        dismissedFactor, contradictedFactor, discharge, plThreshold, plLowSignal, plActed, plDismissed,
 *        plContradicted, plUsed, minEvents, wilson, tdAlpha, tdGamma, initialCycleAmplitude.
 * Returns one string: for each variant, for each query, `<n>|` then the n ranked ids as `<byte length>:<id>`
 * (the scores decide the order; an evaluation needs only the ids).
 */
export const EVALUATE_VARIANTS = `${PRELUDE}${OPERATIONS}${SCORING}
local cursor = 1
local function take() local v = ARGV[cursor]; cursor = cursor + 1; return v end
local function take_number() return tonumber(take()) end
local base = take()
local continuing = take() == '1'
local persist = take() == '1'

local ARITY = {save = 6, touch = 2, outcome = 3, predict = 1, crystallize = 5, td = 3, link = 3, strengthen = 3, weakenAll = 2}
local record_ops, graph_ops = {}, {}
for _ = 1, take_number() do
  local name = take()
  local arity = ARITY[name]
  if not arity then return redis.error_reply('unknown operation ' .. tostring(name)) end
  local f = {}
  for k = 1, arity do f[k] = take() end
  if name == 'save' then
    record_ops[#record_ops + 1] = {name, f[1], tonumber(f[2]), tonumber(f[3]), parse_cycles(f[4]), tonumber(f[5]), f[6]}
  elseif name == 'touch' then
    record_ops[#record_ops + 1] = {name, f[1], tonumber(f[2])}
  elseif name == 'outcome' then
    record_ops[#record_ops + 1] = {name, f[1], f[2], tonumber(f[3])}
  elseif name == 'predict' then
    record_ops[#record_ops + 1] = {name, f[1]}
  elseif name == 'crystallize' then
    record_ops[#record_ops + 1] = {name, f[1], f[2], tonumber(f[3]), tonumber(f[4]), tonumber(f[5])}
  elseif name == 'td' then
    record_ops[#record_ops + 1] = {name, f[1], tonumber(f[2]), tonumber(f[3])}
  elseif name == 'weakenAll' then
    graph_ops[#graph_ops + 1] = {name, f[1], nil, tonumber(f[2])}
  else
    graph_ops[#graph_ops + 1] = {name, f[1], f[2], tonumber(f[3])}
  end
end

local queries = {}
local assembling = false   -- some query is an assemble: graphs are kept for its propagations
for q = 1, take_number() do
  local method, model, partition, limit, wd, wc, wp = take(), take(), take(), take_number(), take(), take(), take()
  local query = {
    method = method, model = model, partition = partition, limit = limit,
    weights = {decay = tonumber(wd), confidence = tonumber(wc), priority = tonumber(wp)},
    order = take(), now = take(), seeds = {},
  }
  -- Queries with the same weights share their arm sums (only the boost tells them apart).
  query.sums_key = table.concat({model, partition, wd, wc, wp, query.order}, '|')
  for k = 1, take_number() do query.seeds[k] = take() end
  if method == 'assemble' then
    query.A = {M = limit, weights = query.weights, order = query.order, partition = partition,
      headroom = take_number(), cues = take() == '1',
      max_tokens = tonumber(take()), exclude = {}, tokens = {}}
    for _ = 1, take_number() do query.A.exclude[take()] = true end
    for _ = 1, take_number() do local id = take(); query.A.tokens[id] = take_number() end
    assembling = true
  end
  queries[q] = query
end

local variants = {}
for v = 1, take_number() do
  variants[v] = {
    r = take(), g = take(), rate = take(), mod = take(), strength = take(), c0 = take(),
    dph = take(), cap = take(), depth = take(), threshold = take(), max_edges = take(),
    surfacing = take_number(), suppression = take_number(), conf_cap = take_number(), p = take(),
  }
end
local function boost_key(variant, q)
  return table.concat({variant.g, q, variant.dph, variant.cap, variant.depth, variant.threshold, variant.max_edges}, '|')
end

-- Each graph is built, asked every propagation its variants need, and let go before the next one, so the
-- script never holds more than one graph (a large heap makes every allocation dearer).
local boosts = {}
local kept_graphs = {}
for _ = 1, take_number() do
  local index = take()
  local weight, cap, delta, factor, max_edges = take_number(), take_number(), take_number(), take_number(), take_number()
  ST = memory_store(nil, base .. ':g' .. index .. ':co:')
  if continuing then ST.load_graph() end
  for i = 1, #graph_ops do
    local op = graph_ops[i]
    if op[1] == 'link' then op_link(op[2], op[3], op[4] or weight, max_edges)
    elseif op[1] == 'strengthen' then op_strengthen(op[2], op[3], op[4] or delta, cap)
    else op_weaken_all(op[2], op[4] or factor) end
  end
  if persist then ST.flush_graph() end
  local sorted_edges = {}
  if assembling then kept_graphs[index] = {store = ST, edges = sorted_edges} end
  for _, variant in ipairs(variants) do
    if variant.g == index then
      for q, query in ipairs(queries) do
        local key = boost_key(variant, q)
        if query.method ~= 'topByDecay' and #query.seeds > 0 and not boosts[key] then
          boosts[key] = propagate(query.seeds, tonumber(variant.depth), tonumber(variant.dph),
            tonumber(variant.threshold), tonumber(variant.cap), tonumber(variant.max_edges), sorted_edges)
        end
      end
    end
  end
end

-- PolicyEntry records apart (when the caller splits them off): their ids, and the policy states, each built
-- from the policy operations alone (crystallize, td, and any step on a policy id) with its own settings.
local policy_ids = {}
for _ = 1, take_number() do policy_ids[take()] = true end
local function is_policy_op(op)
  return op[1] == 'crystallize' or op[1] == 'td' or policy_ids[op[2]] == true
end
local function take_record_constants()
  return {
    wf_min = take_number(), wf_priority = take_number(), c0 = take_number(), cap = take_number(),
    eps = take_number(), acted_signal = take_number(), contradicted_signal = take_number(),
    acted_factor = take_number(), dismissed_factor = take_number(), contradicted_factor = take_number(),
    discharge = take_number(), pl_threshold = take_number(), pl_low_signal = take_number(),
    pl_acted = take_number(), pl_dismissed = take_number(), pl_contradicted = take_number(),
    pl_used = take_number(), min_events = take_number(), wilson = take_number(),
    td_alpha = take_number(), td_gamma = take_number(), cycle_amp = take_number(),
  }
end
local function build_state(prefix, K, keep)
  ST = memory_store(state_keys(prefix), nil)
  if continuing then ST.load_records() end
  for i = 1, #record_ops do
    local op = record_ops[i]
    if keep(op) then
      if op[1] == 'save' then op_save(op[2], op[3], op[4], op[5], op[6], op[7], K)
      elseif op[1] == 'touch' then op_touch(op[2], op[3])
      elseif op[1] == 'predict' then op_predict(op[2])
      elseif op[1] == 'crystallize' then op_crystallize(op[2], op[3], op[4], op[5], op[6], K)
      elseif op[1] == 'td' then op_td(op[2], op[3], op[4], K)
      else op_outcome(op[2], op[3], op[4], K) end
    end
  end
  if persist then ST.flush_records() end
  local read = #queries > 0 and read_records() or nil
  ST = nil
  return read
end

local policy_states = {}
local split = false
for _ = 1, take_number() do
  split = true
  local index = take()
  policy_states[index] = build_state(base .. ':q' .. index, take_record_constants(), is_policy_op)
end

-- Each record state is built and read into scoring form; the working copy is let go.
local states = {}
local keep_memory = split and function(op) return not is_policy_op(op) end or function() return true end
for _ = 1, take_number() do
  local index = take()
  states[index] = build_state(base .. ':r' .. index, take_record_constants(), keep_memory)
end

-- A record state joined with a policy state (the two never share an id), once per pair.
local function join_states(M, Q)
  if Q == nil or #Q.index == 0 then return M end
  local S = {index = {}, base = {}, conf = {}, entry = {}, cycles = {}, pressure = {}, conf_arm = {},
    priority = {}, partition = M.partition, policy = Q.policy}
  for _, part in ipairs({M, Q}) do
    for i = 1, #part.index do S.index[#S.index + 1] = part.index[i] end
    for i = 1, #part.conf_arm do S.conf_arm[#S.conf_arm + 1] = part.conf_arm[i] end
    for i = 1, #part.priority do S.priority[#S.priority + 1] = part.priority[i] end
    for _, name in ipairs({'base', 'conf', 'entry', 'cycles', 'pressure'}) do
      for id, v in pairs(part[name]) do S[name][id] = v end
    end
  end
  return S
end
local joined = {}
local function state_of(variant)
  if not split then return states[variant.r] end
  local key = variant.r .. '/' .. variant.p
  if not joined[key] then joined[key] = join_states(states[variant.r], policy_states[variant.p]) end
  return joined[key]
end
ST = nil

-- Rankings answered from one model's state alone: when the graph links no PolicyEntry, no boost reaches the
-- other model, so a memory ranking reads only the memory state (and is the same for every policy state) and
-- a policy ranking by decay reads only the policy state. Otherwise the joined state is read.
local per_model = false
if split then
  per_model = true
  for i = 1, #graph_ops do
    local op = graph_ops[i]
    if policy_ids[op[2]] or (op[3] and policy_ids[op[3]]) then per_model = false end
  end
end

-- Caches shared by all variants, keyed by what each result depends on: decay scores, arm sums, whole
-- rankings (an assembler call's with its suppressed candidates), and the memory states competitive
-- suppression made, named by the call that made them (so variants that suppress alike share them).
local scored, summed, assembled_boosts, rankings, own_states = {}, {}, {}, {}, {}
local names, named = {}, 0
local function short_name(key)
  local name = names[key]
  if not name then named = named + 1; name = 'o' .. named; names[key] = name end
  return name
end
-- A variant's memory state: the base state, or a suppression applied to a parent state; built when needed.
local function state_at(node)
  if node.S then return node.S end
  if node.parent == nil then
    node.S = node.base()
  else
    local known = own_states[node.tag]
    if not known then
      known = with_own_confidence(state_at(node.parent))
      for _, id in ipairs(node.ids) do update_conf_read(known, id, node.signal, node.c0, node.cap) end
      own_states[node.tag] = known
    end
    node.S = known
  end
  return node.S
end
local out = {}
local NO_BOOST = {}
for v, variant in ipairs(variants) do
  local Q = policy_states[variant.p]
  -- A policy state with entries but no Bloom ids would count its entries as memories in the joined state.
  local memory_alone = per_model and (Q == nil or #Q.index == 0 or Q.policy ~= nil)
  local memory = memory_alone
    and {tag = 'r' .. variant.r, base = function() return states[variant.r] end}
    or {tag = variant.r .. '/' .. variant.p, base = function() return state_of(variant) end}
  local function boost_for(seeds)
    if tonumber(variant.cap) * ${FIXED_ASSEMBLER.decayPerHop} >= 1 then return {} end
    local key = table.concat({variant.g, variant.cap, variant.max_edges, table.concat(seeds, ',')}, '|')
    if not assembled_boosts[key] then
      local graph = kept_graphs[variant.g]
      ST = graph.store
      assembled_boosts[key] = propagate(seeds, ${FIXED_ASSEMBLER.depth}, ${FIXED_ASSEMBLER.decayPerHop},
        ${FIXED_ASSEMBLER.threshold}, tonumber(variant.cap), tonumber(variant.max_edges), graph.edges)
      ST = nil
    end
    return assembled_boosts[key]
  end
  for q = 1, #queries do
    local query = queries[q]
    local P = {
      now = tonumber(query.now), r = tonumber(variant.rate), mod = variant.mod == '1',
      s = tonumber(variant.strength), c0 = tonumber(variant.c0),
    }
    -- Competitive suppression changes memory confidences only, so policy rankings read the base states.
    local tag, state
    if query.model ~= 'policy' then
      local node = memory
      tag = node.tag
      state = function() return state_at(node) end
    elseif per_model and query.method == 'topByDecay' and Q ~= nil then
      tag = 'p' .. variant.p
      state = function() return Q end
    else
      tag = variant.r .. '/' .. variant.p
      state = function() return state_of(variant) end
    end
    local decay_key = table.concat({tag, query.now, variant.rate, variant.mod, variant.strength, variant.c0,
      query.model, query.partition}, '|')
    local function decay()
      if not scored[decay_key] then scored[decay_key] = decay_scores(state(), P, query.model, query.partition) end
      return scored[decay_key]
    end
    -- Variants that differ only in the graph, and queries with the same weights, share the arm sums.
    local function sums()
      local sums_key = decay_key .. '|' .. query.sums_key
      local entry = summed[sums_key]
      if not entry then
        local list = arm_sums(state(), P, decay, query.weights, query.order, query.model, query.partition)
        entry = {list, sorted_sums(list)}
        summed[sums_key] = entry
      end
      return entry[1], entry[2]
    end
    local key, hit
    if query.method == 'assemble' then
      local A = query.A
      key = 'a' .. q .. '|' .. decay_key .. '|' .. query.sums_key .. '|' .. variant.surfacing
      if A.cues then key = key .. '|' .. variant.g .. '|' .. variant.cap .. '|' .. variant.max_edges end
      hit = rankings[key]
      if not hit then
        A.threshold = variant.surfacing
        local ranked, suppressed = assemble(state(), P, A, boost_for, {decay = decay, sums = sums})
        hit = {ranked = ranked, suppressed = suppressed}
      end
      if A.cues and #hit.suppressed > 0 then
        memory = {
          tag = short_name(key .. '>' .. variant.suppression .. '|' .. variant.conf_cap), parent = memory,
          ids = hit.suppressed, signal = variant.suppression, c0 = P.c0, cap = variant.conf_cap,
        }
      end
    elseif query.method == 'topByDecay' then
      key = 't' .. q .. '|' .. decay_key
      hit = rankings[key] or {ranked = top_by_decay(decay(), query.limit)}
    else
      key = 'c' .. q .. '|' .. decay_key .. '|' .. query.sums_key
      if #query.seeds > 0 then key = key .. '|' .. boost_key(variant, q) end
      hit = rankings[key]
      if not hit then
        local list, sorted = sums()
        hit = {ranked = composite_rank(state(), list, boosts[boost_key(variant, q)] or NO_BOOST, query.limit,
          sorted, query.model)}
      end
    end
    if not hit.text then
      local ranked, text = hit.ranked, {#hit.ranked .. '|'}
      for i = 1, #ranked do text[#text + 1] = string.len(ranked[i][1]) .. ':' .. ranked[i][1] end
      hit.text = table.concat(text)
      rankings[key] = hit
    end
    out[#out + 1] = hit.text
  end
end
return table.concat(out)
`;

/** Deletes every key the registry (KEYS[1]) lists, then the registry itself; returns how many keys went. */
export const DROP_REGISTERED = `
local keys = redis.call('SMEMBERS', KEYS[1])
for i = 1, #keys, 500 do
  redis.call('DEL', unpack(keys, i, math.min(i + 499, #keys)))
end
redis.call('DEL', KEYS[1])
return #keys
`;

;; Extra trees' two passes over a node's rows on values (tree-passes.ts): gathering one
;; feature's values with their min and max, and counting the rows at or below a threshold
;; with their targets; and both for every candidate feature of a node of a few rows, with
;; the threshold drawn in between. Offsets are in bytes. Results go to the first bytes of
;; memory: min at 0, max at 8, count at 16, sum at 24; the random state is at 32. Sums on
;; values go in a fixed order ($countSum), which the tests repeat in JavaScript bit for bit.
(module
  (import "env" "memory" (memory 1))

  ;; Codes are bytes (mask 0xff) or 16-bit (0xffff, setCodeMask): every code is read as 16
  ;; bits and masked, so one set of passes serves both tables (a byte table's last code reads
  ;; one byte past it, into the targets that follow).
  (global $mask (mut i32) (i32.const 0xff))
  (func (export "setCodeMask") (param $m i32) (global.set $mask (local.get $m)))

  ;; xs[i] = col[rows[i]] for i < m; min and max of them (at 0 and 8). Two rows at a time in
  ;; the lanes of a vector: pmin and pmax compare as the scalar select did, without its
  ;; dependency from one row to the next (2.7 against 0.8-1.5 ns a row).
  (func $gather (export "gather") (param $col i32) (param $rows i32) (param $m i32) (param $xs i32)
    (local $v v128) (local $lo v128) (local $hi v128) (local $end i32) (local $a f64) (local $b f64)
    (local.set $lo (f64x2.splat (f64.const inf)))
    (local.set $hi (f64x2.splat (f64.const -inf)))
    (local.set $end (i32.add (local.get $rows) (i32.shl (i32.and (local.get $m) (i32.const -2)) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $rows) (local.get $end)))
      (loop $pair
        (local.set $v
          (f64x2.replace_lane 1
            (f64x2.splat
              (f64.load (i32.add (local.get $col) (i32.shl (i32.load (local.get $rows)) (i32.const 3)))))
            (f64.load (i32.add (local.get $col) (i32.shl (i32.load offset=4 (local.get $rows)) (i32.const 3))))))
        (v128.store (local.get $xs) (local.get $v))
        (local.set $lo (f64x2.pmin (local.get $v) (local.get $lo)))
        (local.set $hi (f64x2.pmax (local.get $v) (local.get $hi)))
        (local.set $rows (i32.add (local.get $rows) (i32.const 8)))
        (local.set $xs (i32.add (local.get $xs) (i32.const 16)))
        (br_if $pair (i32.lt_u (local.get $rows) (local.get $end)))))
    (if (i32.and (local.get $m) (i32.const 1))
      (then
        (local.set $v
          (f64x2.splat (f64.load (i32.add (local.get $col) (i32.shl (i32.load (local.get $rows)) (i32.const 3))))))
        (v128.store64_lane 0 (local.get $xs) (local.get $v))
        (local.set $lo (f64x2.pmin (local.get $v) (local.get $lo)))
        (local.set $hi (f64x2.pmax (local.get $v) (local.get $hi)))))
    (local.set $a (f64x2.extract_lane 0 (local.get $lo)))
    (local.set $b (f64x2.extract_lane 1 (local.get $lo)))
    (f64.store (i32.const 0) (select (local.get $b) (local.get $a) (f64.lt (local.get $b) (local.get $a))))
    (local.set $a (f64x2.extract_lane 0 (local.get $hi)))
    (local.set $b (f64x2.extract_lane 1 (local.get $hi)))
    (f64.store (i32.const 8) (select (local.get $b) (local.get $a) (f64.gt (local.get $b) (local.get $a)))))

  ;; Of xs[0, m) and y[0, m): how many xs[i] <= t (returned), and the sum of their y (at 24).
  ;; The sum goes by blocks of 256 rows; within a block, rows at even and at odd offsets are
  ;; summed apart in the two lanes of a vector, in row order, and the block adds lane 0 +
  ;; lane 1 to the total (tree-passes.test.ts holds the reference order).
  (func $countSum (param $xs i32) (param $y i32) (param $m i32) (param $t f64) (result i32)
    (local $end i32) (local $blockEnd i32) (local $pairEnd i32) (local $tt v128) (local $mask v128)
    (local $n v128) (local $bs v128) (local $s f64) (local $l f64) (local $s0 f64) (local $odd i32)
    (local.set $tt (f64x2.splat (local.get $t)))
    (local.set $end (i32.add (local.get $xs) (i32.shl (local.get $m) (i32.const 3))))
    (block $done
      (br_if $done (i32.ge_u (local.get $xs) (local.get $end)))
      (loop $block
        (local.set $blockEnd (i32.add (local.get $xs) (i32.const 2048)))
        (if (i32.gt_u (local.get $blockEnd) (local.get $end)) (then (local.set $blockEnd (local.get $end))))
        ;; An odd row out at the block's end (offset even: lane 0).
        (local.set $pairEnd
          (i32.sub (local.get $blockEnd) (i32.and (i32.sub (local.get $blockEnd) (local.get $xs)) (i32.const 8))))
        (local.set $bs (v128.const i64x2 0 0))
        (block $pairsDone
          (br_if $pairsDone (i32.ge_u (local.get $xs) (local.get $pairEnd)))
          (loop $pair
            (local.set $mask (f64x2.le (v128.load (local.get $xs)) (local.get $tt)))
            (local.set $n (i64x2.sub (local.get $n) (local.get $mask)))
            (local.set $bs (f64x2.add (local.get $bs) (v128.and (local.get $mask) (v128.load (local.get $y)))))
            (local.set $xs (i32.add (local.get $xs) (i32.const 16)))
            (local.set $y (i32.add (local.get $y) (i32.const 16)))
            (br_if $pair (i32.lt_u (local.get $xs) (local.get $pairEnd)))))
        (local.set $s0 (f64x2.extract_lane 0 (local.get $bs)))
        (if (i32.lt_u (local.get $xs) (local.get $blockEnd))
          (then
            (local.set $l (f64.convert_i32_u (f64.le (f64.load (local.get $xs)) (local.get $t))))
            (local.set $odd (i32.add (local.get $odd) (i32.trunc_f64_u (local.get $l))))
            (local.set $s0 (f64.add (local.get $s0) (f64.mul (local.get $l) (f64.load (local.get $y)))))
            (local.set $xs (i32.add (local.get $xs) (i32.const 8)))
            (local.set $y (i32.add (local.get $y) (i32.const 8)))))
        (local.set $s (f64.add (local.get $s) (f64.add (local.get $s0) (f64x2.extract_lane 1 (local.get $bs)))))
        (br_if $block (i32.lt_u (local.get $xs) (local.get $end)))))
    (f64.store (i32.const 24) (local.get $s))
    (i32.add (local.get $odd)
      (i32.wrap_i64 (i64.add (i64x2.extract_lane 0 (local.get $n)) (i64x2.extract_lane 1 (local.get $n))))))

  ;; Rows with xs[i] <= t: how many (at 16), and the sum of their y (at 24), as $countSum.
  (func (export "countSum") (param $xs i32) (param $y i32) (param $m i32) (param $t f64)
    (f64.store (i32.const 16)
      (f64.convert_i32_u (call $countSum (local.get $xs) (local.get $y) (local.get $m) (local.get $t)))))

  ;; Rows with xs[i] <= t, each adding 1 to its stats slot stats[at[i]] (a class): how many.
  (func (export "countSlots") (param $xs i32) (param $at i32) (param $m i32) (param $t f64) (param $stats i32)
    (local $end i32) (local $l f64) (local $c f64) (local $p i32)
    (local.set $end (i32.add (local.get $xs) (i32.shl (local.get $m) (i32.const 3))))
    (block $done
      (br_if $done (i32.ge_u (local.get $xs) (local.get $end)))
      (loop $row
        (local.set $l (f64.convert_i32_u (f64.le (f64.load (local.get $xs)) (local.get $t))))
        (local.set $c (f64.add (local.get $c) (local.get $l)))
        (local.set $p (i32.add (local.get $stats) (i32.shl (i32.load (local.get $at)) (i32.const 3))))
        (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (local.get $l)))
        (local.set $xs (i32.add (local.get $xs) (i32.const 8)))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (br_if $row (i32.lt_u (local.get $xs) (local.get $end)))))
    (f64.store (i32.const 16) (local.get $c)))

  ;; Weighted rows with xs[i] <= t: how many (at 16), their weight (at 24, summed per block of
  ;; 256 rows), and y[i] added to stats[at[i]] (a class weight, or a weighted target).
  (func (export "countWeighted")
    (param $xs i32) (param $w i32) (param $at i32) (param $y i32) (param $m i32) (param $t f64) (param $stats i32)
    (local $end i32) (local $blockEnd i32) (local $l f64) (local $p i32)
    (local $c f64) (local $ws f64) (local $bw f64)
    (local.set $end (i32.add (local.get $xs) (i32.shl (local.get $m) (i32.const 3))))
    (block $done
      (br_if $done (i32.ge_u (local.get $xs) (local.get $end)))
      (loop $block
        (local.set $blockEnd (i32.add (local.get $xs) (i32.const 2048)))
        (if (i32.gt_u (local.get $blockEnd) (local.get $end)) (then (local.set $blockEnd (local.get $end))))
        (local.set $bw (f64.const 0))
        (loop $row
          (local.set $l (f64.convert_i32_u (f64.le (f64.load (local.get $xs)) (local.get $t))))
          (local.set $c (f64.add (local.get $c) (local.get $l)))
          (local.set $bw (f64.add (local.get $bw) (f64.mul (f64.load (local.get $w)) (local.get $l))))
          (local.set $p (i32.add (local.get $stats) (i32.shl (i32.load (local.get $at)) (i32.const 3))))
          (f64.store (local.get $p)
            (f64.add (f64.load (local.get $p)) (f64.mul (f64.load (local.get $y)) (local.get $l))))
          (local.set $xs (i32.add (local.get $xs) (i32.const 8)))
          (local.set $w (i32.add (local.get $w) (i32.const 8)))
          (local.set $at (i32.add (local.get $at) (i32.const 4)))
          (local.set $y (i32.add (local.get $y) (i32.const 8)))
          (br_if $row (i32.lt_u (local.get $xs) (local.get $blockEnd))))
        (local.set $ws (f64.add (local.get $ws) (local.get $bw)))
        (br_if $block (i32.lt_u (local.get $xs) (local.get $end)))))
    (f64.store (i32.const 16) (local.get $c))
    (f64.store (i32.const 24) (local.get $ws)))
;; A node's rows samples[0, m) (byte offset smp) split stably: the rows that go left first,
  ;; in order, then the others (through scratch). With rs 0, row s goes left when its value
  ;; col[s] <= t; else when its code at col + s * rs <= t (t a bin). The sum and sum of
  ;; squares of the left rows' targets go to 24 and 8, summed in row order. Returns how many
  ;; go left. Branch-free: a row's side is a coin flip to the CPU; each row is written to
  ;; both sides, and the side it does not go to is overwritten next.
  (func (export "partition")
    (param $col i32) (param $rs i32) (param $smp i32) (param $m i32) (param $t f64)
    (param $targets i32) (param $scratch i32) (result i32)
    (local $p i32) (local $end i32) (local $l i32) (local $r i32) (local $s i32) (local $go i32)
    (local $v f64) (local $sum f64) (local $sq f64)
    (local.set $p (local.get $smp))
    (local.set $l (local.get $smp))
    (local.set $r (local.get $scratch))
    (local.set $end (i32.add (local.get $smp) (i32.shl (local.get $m) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (loop $row
        (local.set $s (i32.load (local.get $p)))
        (local.set $go
          (if (result i32) (local.get $rs)
            (then
              (f64.le
                (f64.convert_i32_u (i32.and (global.get $mask) (i32.load16_u (i32.add (local.get $col) (i32.mul (local.get $s) (local.get $rs))))))
                (local.get $t)))
            (else
              (f64.le (f64.load (i32.add (local.get $col) (i32.shl (local.get $s) (i32.const 3)))) (local.get $t)))))
        (i32.store (local.get $l) (local.get $s))
        (i32.store (local.get $r) (local.get $s))
        (local.set $l (i32.add (local.get $l) (i32.shl (local.get $go) (i32.const 2))))
        (local.set $r (i32.add (local.get $r) (i32.shl (i32.xor (local.get $go) (i32.const 1)) (i32.const 2))))
        (local.set $v
          (f64.mul (f64.convert_i32_u (local.get $go))
            (f64.load (i32.add (local.get $targets) (i32.shl (local.get $s) (i32.const 3))))))
        (local.set $sum (f64.add (local.get $sum) (local.get $v)))
        (local.set $sq (f64.add (local.get $sq) (f64.mul (local.get $v) (local.get $v))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br_if $row (i32.lt_u (local.get $p) (local.get $end)))))
    (memory.copy (local.get $l) (local.get $scratch) (i32.sub (local.get $r) (local.get $scratch)))
    (f64.store (i32.const 24) (local.get $sum))
    (f64.store (i32.const 8) (local.get $sq))
    (i32.shr_u (i32.sub (local.get $l) (local.get $smp)) (i32.const 2)))

;; partition with the left side's full stats, for weighted or multi-class growth: into
  ;; stats [W, count, then class weights (mode 0/1) or the weighted sum and sum of squares
  ;; (2/3)], mode as histDense (odd: every row weighs 1, else weights[s]), added in row order.
  ;; Returns how many go left. Branch-free as partition: a right row adds 0 to its slot.
  (func (export "partitionStats")
    (param $col i32) (param $rs i32) (param $smp i32) (param $m i32) (param $t f64)
    (param $targets i32) (param $weights i32) (param $mode i32) (param $stats i32) (param $scratch i32)
    (result i32)
    (local $p i32) (local $end i32) (local $l i32) (local $r i32) (local $s i32) (local $go i32)
    (local $g f64) (local $w f64) (local $v f64) (local $W f64) (local $S f64) (local $S2 f64) (local $h i32)
    (local.set $p (local.get $smp))
    (local.set $l (local.get $smp))
    (local.set $r (local.get $scratch))
    (local.set $end (i32.add (local.get $smp) (i32.shl (local.get $m) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (loop $row
        (local.set $s (i32.load (local.get $p)))
        (local.set $go
          (if (result i32) (local.get $rs)
            (then
              (f64.le
                (f64.convert_i32_u (i32.and (global.get $mask) (i32.load16_u (i32.add (local.get $col) (i32.mul (local.get $s) (local.get $rs))))))
                (local.get $t)))
            (else
              (f64.le (f64.load (i32.add (local.get $col) (i32.shl (local.get $s) (i32.const 3)))) (local.get $t)))))
        (i32.store (local.get $l) (local.get $s))
        (i32.store (local.get $r) (local.get $s))
        (local.set $l (i32.add (local.get $l) (i32.shl (local.get $go) (i32.const 2))))
        (local.set $r (i32.add (local.get $r) (i32.shl (i32.xor (local.get $go) (i32.const 1)) (i32.const 2))))
        (local.set $g (f64.convert_i32_u (local.get $go)))
        (local.set $w (f64.const 1))
        (if (i32.eqz (i32.and (local.get $mode) (i32.const 1)))
          (then (local.set $w (f64.load (i32.add (local.get $weights) (i32.shl (local.get $s) (i32.const 3)))))))
        (local.set $w (f64.mul (local.get $g) (local.get $w)))
        (local.set $W (f64.add (local.get $W) (local.get $w)))
        (local.set $v (f64.load (i32.add (local.get $targets) (i32.shl (local.get $s) (i32.const 3)))))
        (if (i32.lt_u (local.get $mode) (i32.const 2))
          (then
            (local.set $h (i32.add (local.get $stats)
              (i32.shl (i32.add (i32.trunc_f64_s (local.get $v)) (i32.const 2)) (i32.const 3))))
            (f64.store (local.get $h) (f64.add (f64.load (local.get $h)) (local.get $w))))
          (else
            (local.set $S (f64.add (local.get $S) (f64.mul (local.get $w) (local.get $v))))
            (local.set $S2 (f64.add (local.get $S2) (f64.mul (f64.mul (local.get $w) (local.get $v)) (local.get $v))))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br_if $row (i32.lt_u (local.get $p) (local.get $end)))))
    (memory.copy (local.get $l) (local.get $scratch) (i32.sub (local.get $r) (local.get $scratch)))
    (local.set $go (i32.shr_u (i32.sub (local.get $l) (local.get $smp)) (i32.const 2)))
    (f64.store (local.get $stats) (local.get $W))
    (f64.store offset=8 (local.get $stats) (f64.convert_i32_u (local.get $go)))
    (if (i32.ge_u (local.get $mode) (i32.const 2))
      (then
        (f64.store offset=16 (local.get $stats) (local.get $S))
        (f64.store offset=24 (local.get $stats) (local.get $S2))))
    (local.get $go))

  ;; pos[samples[p]] = p for the rows samples[start, end) (offsets smp, m rows; start is
  ;; smp's index): keeps the grower's row positions in step after a partition.
  (func (export "renumber") (param $smp i32) (param $m i32) (param $start i32) (param $pos i32)
    (local $p i32) (local $end i32)
    (local.set $p (local.get $smp))
    (local.set $end (i32.add (local.get $smp) (i32.shl (local.get $m) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (loop $row
        (i32.store (i32.add (local.get $pos) (i32.shl (i32.load (local.get $p)) (i32.const 2))) (local.get $start))
        (local.set $start (i32.add (local.get $start) (i32.const 1)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br_if $row (i32.lt_u (local.get $p) (local.get $end))))))

;; The generator's next draw in [0, 1): mulberry32 on the state at 32, as core/random.ts.
  (func $next (result f64)
    (local $t i32)
    (local.set $t (i32.add (i32.load (i32.const 32)) (i32.const 0x6d2b79f5)))
    (i32.store (i32.const 32) (local.get $t))
    (local.set $t
      (i32.mul (i32.xor (local.get $t) (i32.shr_u (local.get $t) (i32.const 15))) (i32.or (local.get $t) (i32.const 1))))
    (local.set $t
      (i32.xor (local.get $t)
        (i32.add (local.get $t)
          (i32.mul (i32.xor (local.get $t) (i32.shr_u (local.get $t) (i32.const 7))) (i32.or (local.get $t) (i32.const 61))))))
    (f64.div
      (f64.convert_i32_u (i32.xor (local.get $t) (i32.shr_u (local.get $t) (i32.const 14))))
      (f64.const 4294967296)))

  ;; A node of m rows (rows[0, m), targets y gathered from targets), every row once: for each
  ;; feature feats[q] of take, min and max over the node's rows; a feature within 1e-7 of
  ;; constant gets count -1 at res[3q + 1]; else a threshold t drawn uniform in [min, max)
  ;; (min where rounding reaches max), and res[3q..3q+2] = t, how many rows are <= t, the sum
  ;; of their targets (summed as $countSum sums).
  (func (export "tiny")
    (param $cols i32) (param $n8 i32) (param $rows i32) (param $m i32) (param $targets i32) (param $y i32)
    (param $xs i32) (param $feats i32) (param $take i32) (param $res i32)
    (local $q i32) (local $lo f64) (local $hi f64) (local $t f64) (local $r i32)
    (call $gather (local.get $targets) (local.get $rows) (local.get $m) (local.get $y))
    (block $featsDone
      (br_if $featsDone (i32.eqz (local.get $take)))
      (loop $feat
        (call $gather
          (i32.add (local.get $cols)
            (i32.mul (i32.load (i32.add (local.get $feats) (i32.shl (local.get $q) (i32.const 2)))) (local.get $n8)))
          (local.get $rows) (local.get $m) (local.get $xs))
        (local.set $lo (f64.load (i32.const 0)))
        (local.set $hi (f64.load (i32.const 8)))
        (local.set $r (i32.add (local.get $res) (i32.mul (local.get $q) (i32.const 24))))
        (if (f64.le (local.get $hi) (f64.add (local.get $lo) (f64.const 1e-7)))
          (then (f64.store offset=8 (local.get $r) (f64.const -1)))
          (else
            (local.set $t (f64.add (local.get $lo) (f64.mul (call $next) (f64.sub (local.get $hi) (local.get $lo)))))
            (if (f64.ge (local.get $t) (local.get $hi)) (then (local.set $t (local.get $lo))))
            (f64.store (local.get $r) (local.get $t))
            (f64.store offset=8 (local.get $r)
              (f64.convert_i32_u (call $countSum (local.get $xs) (local.get $y) (local.get $m) (local.get $t))))
            (f64.store offset=16 (local.get $r) (f64.load (i32.const 24)))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br_if $feat (i32.lt_u (local.get $q) (local.get $take))))))
;; Codes of row s, feature q at codes + s * rs + fo[q] (bytes). For candidates q < take
  ;; with fo[q] >= 0: mn[q], mx[q] lowered and raised to the node's min and max code, by blocks
  ;; of 256 rows with every candidate within a block, so a block's rows stay in cache.
  (func (export "codesRange")
    (param $codes i32) (param $rs i32) (param $rows i32) (param $m i32) (param $fo i32) (param $take i32)
    (param $mn i32) (param $mx i32)
    (local $p0 i32) (local $p1 i32) (local $p i32) (local $q i32) (local $f i32) (local $c i32)
    (local $a i32) (local $b i32) (local $o i32)
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $p0) (local.get $m)))
        (local.set $p1 (i32.add (local.get $p0) (i32.const 256)))
        (if (i32.gt_u (local.get $p1) (local.get $m)) (then (local.set $p1 (local.get $m))))
        (local.set $q (i32.const 0))
        (block $featsDone
          (loop $feat
            (br_if $featsDone (i32.ge_u (local.get $q) (local.get $take)))
            (local.set $o (i32.shl (local.get $q) (i32.const 2)))
            (local.set $f (i32.load (i32.add (local.get $fo) (local.get $o))))
            (if (i32.ge_s (local.get $f) (i32.const 0))
              (then
                (local.set $f (i32.add (local.get $codes) (local.get $f)))
                (local.set $a (i32.load (i32.add (local.get $mn) (local.get $o))))
                (local.set $b (i32.load (i32.add (local.get $mx) (local.get $o))))
                (local.set $p (local.get $p0))
                (loop $row
                  (local.set $c (i32.and (global.get $mask) (i32.load16_u (i32.add (local.get $f)
                    (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (local.get $p) (i32.const 2)))) (local.get $rs))))))
                  (local.set $a (select (local.get $c) (local.get $a) (i32.lt_s (local.get $c) (local.get $a))))
                  (local.set $b (select (local.get $c) (local.get $b) (i32.gt_s (local.get $c) (local.get $b))))
                  (local.set $p (i32.add (local.get $p) (i32.const 1)))
                  (br_if $row (i32.lt_u (local.get $p) (local.get $p1))))
                (i32.store (i32.add (local.get $mn) (local.get $o)) (local.get $a))
                (i32.store (i32.add (local.get $mx) (local.get $o)) (local.get $b))))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $feat)))
        (local.set $p0 (local.get $p1))
        (br $block))))

  ;; For candidates q < take with cut[q] >= 0: the rows whose code is at most cut[q], counted
  ;; into res[3q + 1] and their targets (targets[s], by row) summed into res[3q + 2], a block
  ;; of 256 rows at a time (each block's count and sum added to the totals, as the grower's
  ;; JavaScript did).
  (func (export "codesCount")
    (param $codes i32) (param $rs i32) (param $rows i32) (param $m i32) (param $fo i32) (param $cut i32)
    (param $take i32) (param $targets i32) (param $res i32)
    (local $p0 i32) (local $p1 i32) (local $p i32) (local $q i32) (local $f i32) (local $c i32)
    (local $s i32) (local $l i32) (local $cnt i32) (local $sum f64) (local $r i32)
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $p0) (local.get $m)))
        (local.set $p1 (i32.add (local.get $p0) (i32.const 256)))
        (if (i32.gt_u (local.get $p1) (local.get $m)) (then (local.set $p1 (local.get $m))))
        (local.set $q (i32.const 0))
        (block $featsDone
          (loop $feat
            (br_if $featsDone (i32.ge_u (local.get $q) (local.get $take)))
            (local.set $c (i32.load (i32.add (local.get $cut) (i32.shl (local.get $q) (i32.const 2)))))
            (if (i32.ge_s (local.get $c) (i32.const 0))
              (then
                (local.set $f (i32.add (local.get $codes)
                  (i32.load (i32.add (local.get $fo) (i32.shl (local.get $q) (i32.const 2))))))
                (local.set $cnt (i32.const 0))
                (local.set $sum (f64.const 0))
                (local.set $p (local.get $p0))
                (loop $row
                  (local.set $s (i32.load (i32.add (local.get $rows) (i32.shl (local.get $p) (i32.const 2)))))
                  (local.set $l (i32.le_u
                    (i32.and (global.get $mask) (i32.load16_u (i32.add (local.get $f) (i32.mul (local.get $s) (local.get $rs))))) (local.get $c)))
                  (local.set $cnt (i32.add (local.get $cnt) (local.get $l)))
                  (local.set $sum (f64.add (local.get $sum)
                    (f64.mul (f64.convert_i32_u (local.get $l))
                      (f64.load (i32.add (local.get $targets) (i32.shl (local.get $s) (i32.const 3)))))))
                  (local.set $p (i32.add (local.get $p) (i32.const 1)))
                  (br_if $row (i32.lt_u (local.get $p) (local.get $p1))))
                (local.set $r (i32.add (local.get $res) (i32.mul (local.get $q) (i32.const 24))))
                (f64.store offset=8 (local.get $r)
                  (f64.add (f64.load offset=8 (local.get $r)) (f64.convert_i32_u (local.get $cnt))))
                (f64.store offset=16 (local.get $r) (f64.add (f64.load offset=16 (local.get $r)) (local.get $sum)))))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $feat)))
        (local.set $p0 (local.get $p1))
        (br $block))))

  ;; Histograms of rows[0, m) for slots k < ns (the best splitter's dense pass, grower.ts
  ;; fillHistograms): row s's code c = codes[s * rs + fs[k]], skipped where c = md[k] (the
  ;; dominant bin, or -1), goes to the bin at hist + (base[k] + c) * sw8 (bytes): [W, count,
  ;; then class weights or S]. mode 0: classes, weighted (weights[s]); 1: classes, every row
  ;; once; 2: regression, weighted; 3: regression, every row once (W left to the scan). Adds
  ;; in the order of the JavaScript loop it replaces: rows, then slots.
  (func (export "histDense")
    (param $codes i32) (param $rs i32) (param $rows i32) (param $m i32) (param $fs i32) (param $md i32)
    (param $base i32) (param $ns i32) (param $sw8 i32) (param $hist i32) (param $targets i32)
    (param $weights i32) (param $mode i32)
    (local $p i32) (local $s i32) (local $row i32) (local $k i32) (local $c i32) (local $h i32)
    (local $lab8 i32) (local $w f64) (local $y f64) (local $o i32)
    (block $rowsDone
      (br_if $rowsDone (i32.or (i32.eqz (local.get $m)) (i32.eqz (local.get $ns))))
      (loop $row
        (local.set $s (i32.load (i32.add (local.get $rows) (i32.shl (local.get $p) (i32.const 2)))))
        (local.set $row (i32.add (local.get $codes) (i32.mul (local.get $s) (local.get $rs))))
        (local.set $w (f64.const 1))
        (if (i32.eqz (i32.and (local.get $mode) (i32.const 1)))
          (then (local.set $w (f64.load (i32.add (local.get $weights) (i32.shl (local.get $s) (i32.const 3)))))))
        (local.set $y (f64.load (i32.add (local.get $targets) (i32.shl (local.get $s) (i32.const 3)))))
        (if (i32.lt_u (local.get $mode) (i32.const 2))
          (then (local.set $lab8 (i32.shl (i32.add (i32.trunc_f64_s (local.get $y)) (i32.const 2)) (i32.const 3))))
          (else (if (i32.eq (local.get $mode) (i32.const 2)) (then (local.set $y (f64.mul (local.get $w) (local.get $y)))))))
        (local.set $k (i32.const 0))
        (loop $slot
          (local.set $o (i32.shl (local.get $k) (i32.const 2)))
          (local.set $c (i32.and (global.get $mask) (i32.load16_u (i32.add (local.get $row) (i32.load (i32.add (local.get $fs) (local.get $o)))))))
          (if (i32.ne (local.get $c) (i32.load (i32.add (local.get $md) (local.get $o))))
            (then
              (local.set $h (i32.add (local.get $hist)
                (i32.mul (i32.add (i32.load (i32.add (local.get $base) (local.get $o))) (local.get $c)) (local.get $sw8))))
              (f64.store offset=8 (local.get $h) (f64.add (f64.load offset=8 (local.get $h)) (f64.const 1)))
              (if (i32.lt_u (local.get $mode) (i32.const 2))
                (then
                  (local.set $h (i32.add (local.get $h) (local.get $lab8)))
                  (f64.store (local.get $h) (f64.add (f64.load (local.get $h)) (local.get $w))))
                (else
                  (if (i32.eq (local.get $mode) (i32.const 2))
                    (then (f64.store (local.get $h) (f64.add (f64.load (local.get $h)) (local.get $w)))))
                  (f64.store offset=16 (local.get $h) (f64.add (f64.load offset=16 (local.get $h)) (local.get $y)))))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $slot (i32.lt_u (local.get $k) (local.get $ns))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br_if $row (i32.lt_u (local.get $p) (local.get $m))))))

;; The best splitter's sparse slot (grower.ts sparseBins), classification: the rows nz[from,
  ;; to) in the node (pos in [start, end)) added to their bins at hist + c * sw8 (count at 8,
  ;; class weights from 16: mode 0 weighted, 1 every row once), each bin that gets its first
  ;; row listed at list (as its code, in the order met). Returns how many are listed.
  ;; Branch-free: whether a row is in the node is a coin flip to the CPU; a row outside adds 0.
  (func (export "sparseBins")
    (param $codes i32) (param $rs i32) (param $fo i32) (param $nz i32) (param $from i32) (param $to i32)
    (param $pos i32) (param $start i32) (param $end i32) (param $hist i32) (param $sw8 i32)
    (param $targets i32) (param $weights i32) (param $mode i32) (param $list i32) (result i32)
    (local $r i32) (local $span i32) (local $in i32) (local $c i32) (local $h i32) (local $cnt f64)
    (local $g f64) (local $w f64) (local $n i32) (local $col i32) (local $hl i32)
    (local.set $span (i32.sub (local.get $end) (local.get $start)))
    (local.set $col (i32.add (local.get $codes) (local.get $fo)))
    (block $done
      (br_if $done (i32.ge_s (local.get $from) (local.get $to)))
      (loop $row
        (local.set $r (i32.load (i32.add (local.get $nz) (i32.shl (local.get $from) (i32.const 2)))))
        (local.set $in
          (i32.lt_u
            (i32.sub (i32.load (i32.add (local.get $pos) (i32.shl (local.get $r) (i32.const 2)))) (local.get $start))
            (local.get $span)))
        (local.set $c (i32.and (global.get $mask)
          (i32.load16_u (i32.add (local.get $col) (i32.mul (local.get $r) (local.get $rs))))))
        (local.set $h (i32.add (local.get $hist) (i32.mul (local.get $c) (local.get $sw8))))
        (local.set $cnt (f64.load offset=8 (local.get $h)))
        (i32.store (i32.add (local.get $list) (i32.shl (local.get $n) (i32.const 2))) (local.get $c))
        (local.set $n (i32.add (local.get $n) (i32.and (local.get $in) (f64.eq (local.get $cnt) (f64.const 0)))))
        (local.set $g (f64.convert_i32_u (local.get $in)))
        (f64.store offset=8 (local.get $h) (f64.add (local.get $cnt) (local.get $g)))
        (local.set $w (local.get $g))
        (if (i32.eqz (i32.and (local.get $mode) (i32.const 1)))
          (then (local.set $w (f64.mul (local.get $g)
            (f64.load (i32.add (local.get $weights) (i32.shl (local.get $r) (i32.const 3))))))))
        (local.set $hl (i32.add (local.get $h) (i32.shl
          (i32.add (i32.trunc_f64_s (f64.load (i32.add (local.get $targets) (i32.shl (local.get $r) (i32.const 3)))))
            (i32.const 2))
          (i32.const 3))))
        (f64.store (local.get $hl) (f64.add (f64.load (local.get $hl)) (local.get $w)))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br_if $row (i32.lt_s (local.get $from) (local.get $to)))))
    (local.get $n))

  ;; Min and max code (at 0 and 8) of the sparse rows nz[from, to) in the node, and how many
  ;; there are (at 16).
  (func (export "sparseRange")
    (param $codes i32) (param $rs i32) (param $fo i32) (param $nz i32) (param $from i32) (param $to i32)
    (param $pos i32) (param $start i32) (param $end i32)
    (local $r i32) (local $c i32) (local $a i32) (local $b i32) (local $k i32) (local $span i32)
    (local.set $a (i32.const 0x7fffffff))
    (local.set $b (i32.const -1))
    (local.set $span (i32.sub (local.get $end) (local.get $start)))
    (block $done
      (br_if $done (i32.ge_s (local.get $from) (local.get $to)))
      (loop $row
        (local.set $r (i32.load (i32.add (local.get $nz) (i32.shl (local.get $from) (i32.const 2)))))
        ;; In the node when pos[r] - start, unsigned, is below end - start (pos -1: not in the tree).
        (if (i32.lt_u
              (i32.sub (i32.load (i32.add (local.get $pos) (i32.shl (local.get $r) (i32.const 2)))) (local.get $start))
              (local.get $span))
          (then
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (local.set $c (i32.and (global.get $mask) (i32.load16_u (i32.add (i32.add (local.get $codes) (local.get $fo))
              (i32.mul (local.get $r) (local.get $rs))))))
            (local.set $a (select (local.get $c) (local.get $a) (i32.lt_s (local.get $c) (local.get $a))))
            (local.set $b (select (local.get $c) (local.get $b) (i32.gt_s (local.get $c) (local.get $b))))))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br_if $row (i32.lt_s (local.get $from) (local.get $to)))))
    (f64.store (i32.const 0) (f64.convert_i32_s (local.get $a)))
    (f64.store (i32.const 8) (f64.convert_i32_s (local.get $b)))
    (f64.store (i32.const 16) (f64.convert_i32_s (local.get $k))))

  ;; The stats of the sparse rows nz[from, to) in the node, into T ([W, count, then class
  ;; weights or S], added to), and of those with code <= c into L. mode as histDense: 0/1
  ;; classes weighted / every row once, 2/3 regression weighted / every row once.
  (func (export "sparseLeft")
    (param $codes i32) (param $rs i32) (param $fo i32) (param $nz i32) (param $from i32) (param $to i32)
    (param $pos i32) (param $start i32) (param $end i32) (param $c i32) (param $targets i32)
    (param $weights i32) (param $mode i32) (param $T i32) (param $L i32)
    (local $r i32) (local $span i32) (local $w f64) (local $v f64) (local $lab8 i32) (local $h i32)
    (local.set $span (i32.sub (local.get $end) (local.get $start)))
    (block $done
      (br_if $done (i32.ge_s (local.get $from) (local.get $to)))
      (loop $row
        (local.set $r (i32.load (i32.add (local.get $nz) (i32.shl (local.get $from) (i32.const 2)))))
        (if (i32.lt_u
              (i32.sub (i32.load (i32.add (local.get $pos) (i32.shl (local.get $r) (i32.const 2)))) (local.get $start))
              (local.get $span))
          (then
            (local.set $w (f64.const 1))
            (if (i32.eqz (i32.and (local.get $mode) (i32.const 1)))
              (then (local.set $w (f64.load (i32.add (local.get $weights) (i32.shl (local.get $r) (i32.const 3)))))))
            (local.set $v (f64.load (i32.add (local.get $targets) (i32.shl (local.get $r) (i32.const 3)))))
            (if (i32.lt_u (local.get $mode) (i32.const 2))
              (then
                (local.set $lab8 (i32.shl (i32.add (i32.trunc_f64_s (local.get $v)) (i32.const 2)) (i32.const 3)))
                (local.set $v (local.get $w)))
              (else
                (local.set $lab8 (i32.const 16))
                (local.set $v (f64.mul (local.get $w) (local.get $v)))))
            (f64.store (local.get $T) (f64.add (f64.load (local.get $T)) (local.get $w)))
            (f64.store offset=8 (local.get $T) (f64.add (f64.load offset=8 (local.get $T)) (f64.const 1)))
            (local.set $h (i32.add (local.get $T) (local.get $lab8)))
            (f64.store (local.get $h) (f64.add (f64.load (local.get $h)) (local.get $v)))
            (if (i32.le_s
                  (i32.and (global.get $mask) (i32.load16_u (i32.add (i32.add (local.get $codes) (local.get $fo)) (i32.mul (local.get $r) (local.get $rs)))))
                  (local.get $c))
              (then
                (f64.store (local.get $L) (f64.add (f64.load (local.get $L)) (local.get $w)))
                (f64.store offset=8 (local.get $L) (f64.add (f64.load offset=8 (local.get $L)) (f64.const 1)))
                (local.set $h (i32.add (local.get $L) (local.get $lab8)))
                (f64.store (local.get $h) (f64.add (f64.load (local.get $h)) (local.get $v)))))))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br_if $row (i32.lt_s (local.get $from) (local.get $to))))))
)

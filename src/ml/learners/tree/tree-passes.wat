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
  (func $partition (export "partition")
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
  (func $codesRange (export "codesRange")
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
  (func $codesCount (export "codesCount")
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

  ;; ---- The best splitter's sorted path (grower.ts evalSorted), for a node with fewer rows
  ;; than its feature has bins: the node's rows ordered by their code, and the split between
  ;; each two codes scored as the grower scores it, with the best kept.

  ;; keys[0, m) = (code << 16) | q of the node's rows samples[q] (codes of feature at col,
  ;; row stride rs), sorted ascending (stably by code: q ascends already): by insertion up
  ;; to 32 keys; by one counting pass where the node's codes span at most 2,048; else by two
  ;; radix passes over the code's bytes; through tmp (m keys) and cnt (2,048 counts).
  ;; Returns where the sorted keys are: keys or tmp.
  (func $sortCodes (param $col i32) (param $rs i32) (param $smp i32) (param $m i32) (param $keys i32)
    (param $tmp i32) (param $cnt i32) (result i32)
    (local $q i32) (local $k i32) (local $j i32) (local $v i32) (local $src i32) (local $dst i32)
    (local $shift i32) (local $pass i32) (local $sum i32) (local $c i32) (local $t i32)
    (local $lo i32) (local $hi i32) (local $buckets i32) (local $passes i32) (local $digit i32)
    (local.set $lo (i32.const 0x7fffffff))
    (local.set $hi (i32.const -1))
    (loop $build
      (local.set $c (i32.and (global.get $mask) (i32.load16_u (i32.add (local.get $col)
        (i32.mul (i32.load (i32.add (local.get $smp) (i32.shl (local.get $q) (i32.const 2)))) (local.get $rs))))))
      (local.set $lo (select (local.get $c) (local.get $lo) (i32.lt_s (local.get $c) (local.get $lo))))
      (local.set $hi (select (local.get $c) (local.get $hi) (i32.gt_s (local.get $c) (local.get $hi))))
      (i32.store (i32.add (local.get $keys) (i32.shl (local.get $q) (i32.const 2)))
        (i32.or (i32.shl (local.get $c) (i32.const 16)) (local.get $q)))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br_if $build (i32.lt_u (local.get $q) (local.get $m))))
    (if (i32.le_u (local.get $m) (i32.const 32))
      (then
        (local.set $k (i32.const 1))
        (block $sorted
          (loop $ins
            (br_if $sorted (i32.ge_u (local.get $k) (local.get $m)))
            (local.set $v (i32.load (i32.add (local.get $keys) (i32.shl (local.get $k) (i32.const 2)))))
            (local.set $j (local.get $k))
            (block $placed
              (loop $shiftUp
                (br_if $placed (i32.eqz (local.get $j)))
                (local.set $t (i32.load (i32.add (local.get $keys) (i32.shl (i32.sub (local.get $j) (i32.const 1)) (i32.const 2)))))
                (br_if $placed (i32.le_u (local.get $t) (local.get $v)))
                (i32.store (i32.add (local.get $keys) (i32.shl (local.get $j) (i32.const 2))) (local.get $t))
                (local.set $j (i32.sub (local.get $j) (i32.const 1)))
                (br $shiftUp)))
            (i32.store (i32.add (local.get $keys) (i32.shl (local.get $j) (i32.const 2))) (local.get $v))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $ins)))
        (return (local.get $keys))))
    ;; A pass's digit: (key >> shift) - lo, masked by digit (one pass over the span: lo, all
    ;; bits; else bytes: lo 0, mask 255).
    (local.set $src (local.get $keys))
    (local.set $dst (local.get $tmp))
    (local.set $shift (i32.const 16))
    (local.set $buckets (i32.add (i32.sub (local.get $hi) (local.get $lo)) (i32.const 1)))
    (local.set $passes (i32.const 1))
    (local.set $digit (i32.const -1))
    (if (i32.gt_u (local.get $buckets) (i32.const 2048))
      (then
        (local.set $lo (i32.const 0))
        (local.set $buckets (i32.const 256))
        (local.set $passes (i32.const 2))
        (local.set $digit (i32.const 255))))
    (loop $passLoop
      (memory.fill (local.get $cnt) (i32.const 0) (i32.shl (local.get $buckets) (i32.const 2)))
      (local.set $q (i32.const 0))
      (loop $count
        (local.set $c (i32.add (local.get $cnt) (i32.shl (i32.and (i32.sub (i32.shr_u
          (i32.load (i32.add (local.get $src) (i32.shl (local.get $q) (i32.const 2)))) (local.get $shift)) (local.get $lo))
          (local.get $digit)) (i32.const 2))))
        (i32.store (local.get $c) (i32.add (i32.load (local.get $c)) (i32.const 1)))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br_if $count (i32.lt_u (local.get $q) (local.get $m))))
      (local.set $sum (i32.const 0))
      (local.set $k (i32.const 0))
      (loop $starts
        (local.set $c (i32.add (local.get $cnt) (i32.shl (local.get $k) (i32.const 2))))
        (local.set $t (i32.load (local.get $c)))
        (i32.store (local.get $c) (local.get $sum))
        (local.set $sum (i32.add (local.get $sum) (local.get $t)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $starts (i32.lt_u (local.get $k) (local.get $buckets))))
      (local.set $q (i32.const 0))
      (loop $move
        (local.set $v (i32.load (i32.add (local.get $src) (i32.shl (local.get $q) (i32.const 2)))))
        (local.set $c (i32.add (local.get $cnt) (i32.shl (i32.and (i32.sub (i32.shr_u (local.get $v) (local.get $shift)) (local.get $lo))
          (local.get $digit)) (i32.const 2))))
        (local.set $t (i32.load (local.get $c)))
        (i32.store (local.get $c) (i32.add (local.get $t) (i32.const 1)))
        (i32.store (i32.add (local.get $dst) (i32.shl (local.get $t) (i32.const 2))) (local.get $v))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br_if $move (i32.lt_u (local.get $q) (local.get $m))))
      (local.set $t (local.get $src))
      (local.set $src (local.get $dst))
      (local.set $dst (local.get $t))
      (local.set $shift (i32.add (local.get $shift) (i32.const 8)))
      (local.set $pass (i32.add (local.get $pass) (i32.const 1)))
      (br_if $passLoop (i32.lt_u (local.get $pass) (local.get $passes))))
    (local.get $src))

  ;; evalSorted for a node of m rows at samples smp (m <= 65536, at most 65536 bins), Gini or
  ;; regression: the rows sorted by their code of the feature at col (sortCodes), then the
  ;; left side's stats at L (sw = 2 + K doubles; W, then class weights or the weighted sum)
  ;; grown row by row, and at each change of code with both sides at least msl rows, the
  ;; proxy against the node's stats st, the first best kept: out[0] its proxy (-inf: none),
  ;; out[1] and out[2] the codes either side. Rows weigh weights[s] (weighted) or 1; targets
  ;; are labels (K > 0) or values. Returns 1 when every row has one code (constant), else 0.
  (func (export "sortedScan")
    (param $col i32) (param $rs i32) (param $smp i32) (param $m i32) (param $K i32) (param $st i32)
    (param $L i32) (param $msl i32) (param $targets i32) (param $weights i32) (param $weighted i32)
    (param $keys i32) (param $tmp i32) (param $cnt i32) (result i32)
    (local $sorted i32) (local $q i32) (local $key i32) (local $code i32) (local $prev i32) (local $s i32)
    (local $w f64) (local $p f64) (local $best f64) (local $bPrev i32) (local $bNext i32) (local $c i32)
    (local $sw i32)
    (local.set $sorted (call $sortCodes (local.get $col) (local.get $rs) (local.get $smp) (local.get $m)
      (local.get $keys) (local.get $tmp) (local.get $cnt)))
    (if (i32.eq
          (i32.shr_u (i32.load (local.get $sorted)) (i32.const 16))
          (i32.shr_u (i32.load (i32.add (local.get $sorted) (i32.shl (i32.sub (local.get $m) (i32.const 1)) (i32.const 2)))) (i32.const 16)))
      (then (return (i32.const 1))))
    (local.set $sw (i32.add (i32.const 2) (select (local.get $K) (i32.const 2) (local.get $K))))
    (memory.fill (local.get $L) (i32.const 0) (i32.shl (local.get $sw) (i32.const 3)))
    (local.set $best (f64.const -inf))
    (local.set $prev (i32.const -1))
    (block $done
      (loop $row
        (local.set $key (i32.load (i32.add (local.get $sorted) (i32.shl (local.get $q) (i32.const 2)))))
        (local.set $code (i32.shr_u (local.get $key) (i32.const 16)))
        (if (i32.and (i32.and (i32.gt_u (local.get $q) (i32.const 0)) (i32.ne (local.get $code) (local.get $prev)))
              (i32.ge_s (local.get $q) (local.get $msl)))
          (then
            (br_if $done (i32.lt_s (i32.sub (local.get $m) (local.get $q)) (local.get $msl)))
            (local.set $p (call $proxyK (local.get $st) (local.get $L) (local.get $K)))
            (if (f64.gt (local.get $p) (local.get $best))
              (then
                (local.set $best (local.get $p))
                (local.set $bPrev (local.get $prev))
                (local.set $bNext (local.get $code))))))
        (local.set $s (i32.load (i32.add (local.get $smp) (i32.shl (i32.and (local.get $key) (i32.const 0xffff)) (i32.const 2)))))
        (local.set $w (f64.const 1))
        (if (local.get $weighted)
          (then (local.set $w (f64.load (i32.add (local.get $weights) (i32.shl (local.get $s) (i32.const 3)))))))
        (f64.store (local.get $L) (f64.add (f64.load (local.get $L)) (local.get $w)))
        (if (local.get $K)
          (then
            (local.set $c (i32.add (local.get $L) (i32.shl (i32.add (i32.trunc_f64_s
              (f64.load (i32.add (local.get $targets) (i32.shl (local.get $s) (i32.const 3))))) (i32.const 2)) (i32.const 3))))
            (f64.store (local.get $c) (f64.add (f64.load (local.get $c)) (local.get $w))))
          (else
            (f64.store offset=16 (local.get $L) (f64.add (f64.load offset=16 (local.get $L))
              (f64.mul (local.get $w) (f64.load (i32.add (local.get $targets) (i32.shl (local.get $s) (i32.const 3)))))))))
        (local.set $prev (local.get $code))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br_if $row (i32.lt_u (local.get $q) (local.get $m)))))
    (f64.store (i32.const 0) (local.get $best))
    (f64.store (i32.const 8) (f64.convert_i32_s (local.get $bPrev)))
    (f64.store (i32.const 16) (f64.convert_i32_s (local.get $bNext)))
    (i32.const 0))

  ;; The grower's proxy (Gini over K classes, or regression: K = 0) of a split with left stats
  ;; at L, of a node with stats st.
  (func $proxyK (param $st i32) (param $L i32) (param $K i32) (result f64)
    (local $WL f64) (local $WR f64) (local $sl f64) (local $sr f64) (local $l f64) (local $r f64)
    (local $k i32) (local $c i32)
    (local.set $WL (f64.load (local.get $L)))
    (local.set $WR (f64.sub (f64.load (local.get $st)) (local.get $WL)))
    (if (i32.eqz (local.get $K))
      (then
        (local.set $l (f64.load offset=16 (local.get $L)))
        (local.set $r (f64.sub (f64.load offset=16 (local.get $st)) (local.get $l)))
        (return
          (f64.add
            (f64.div (f64.mul (local.get $l) (local.get $l)) (local.get $WL))
            (f64.div (f64.mul (local.get $r) (local.get $r)) (local.get $WR))))))
    (loop $class
      (local.set $c (i32.shl (i32.add (local.get $k) (i32.const 2)) (i32.const 3)))
      (local.set $l (f64.load (i32.add (local.get $L) (local.get $c))))
      (local.set $r (f64.sub (f64.load (i32.add (local.get $st) (local.get $c))) (local.get $l)))
      (local.set $sl (f64.add (local.get $sl) (f64.mul (local.get $l) (local.get $l))))
      (local.set $sr (f64.add (local.get $sr) (f64.mul (local.get $r) (local.get $r))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $class (i32.lt_u (local.get $k) (local.get $K))))
    (f64.sub
      (f64.mul (f64.neg (local.get $WR))
        (f64.sub (f64.const 1) (f64.div (local.get $sr) (f64.mul (local.get $WR) (local.get $WR)))))
      (f64.mul (local.get $WL)
        (f64.sub (f64.const 1) (f64.div (local.get $sl) (f64.mul (local.get $WL) (local.get $WL)))))))

  ;; scanBins on a dense histogram slot (grower.ts), Gini or regression: its bins [0, nb) at
  ;; h0 (sw = 2 + K doubles each: W, count, class weights or the weighted sum) in order, the
  ;; left side's stats at L grown bin by bin, each split between two non-empty bins with both
  ;; sides at least msl rows scored, the first best kept (out[0] its proxy, -inf: none;
  ;; out[1], out[2] the bins either side), and the bins cleared. weighted: a bin's W is its
  ;; own (else its count). Returns 1 when one bin holds every row (constant).
  (func (export "scanDense")
    (param $h0 i32) (param $nb i32) (param $m i32) (param $K i32) (param $st i32) (param $L i32)
    (param $msl i32) (param $weighted i32) (result i32)
    (local $sw8 i32) (local $b i32) (local $h i32) (local $c f64) (local $nL f64) (local $prev i32)
    (local $nonEmpty i32) (local $p f64) (local $best f64) (local $bPrev i32) (local $bNext i32)
    (local $k i32) (local $v f64) (local $mf f64) (local $mslf f64) (local $a i32)
    (local.set $sw8 (i32.shl (i32.add (i32.const 2) (select (local.get $K) (i32.const 2) (local.get $K))) (i32.const 3)))
    (memory.fill (local.get $L) (i32.const 0) (local.get $sw8))
    (local.set $best (f64.const -inf))
    (local.set $prev (i32.const -1))
    (local.set $mf (f64.convert_i32_u (local.get $m)))
    (local.set $mslf (f64.convert_i32_u (local.get $msl)))
    (block $done
      (loop $bin
        (br_if $done (i32.ge_u (local.get $b) (local.get $nb)))
        (local.set $h (i32.add (local.get $h0) (i32.mul (local.get $b) (local.get $sw8))))
        (local.set $c (f64.load offset=8 (local.get $h)))
        (if (f64.ne (local.get $c) (f64.const 0))
          (then
            (local.set $nonEmpty (i32.add (local.get $nonEmpty) (i32.const 1)))
            (if (i32.and (i32.ge_s (local.get $prev) (i32.const 0)) (f64.ge (local.get $nL) (local.get $mslf)))
              (then
                (br_if $done (f64.lt (f64.sub (local.get $mf) (local.get $nL)) (local.get $mslf)))
                (local.set $p (call $proxyK (local.get $st) (local.get $L) (local.get $K)))
                (if (f64.gt (local.get $p) (local.get $best))
                  (then
                    (local.set $best (local.get $p))
                    (local.set $bPrev (local.get $prev))
                    (local.set $bNext (local.get $b))))))
            (if (local.get $K)
              (then
                (local.set $k (i32.const 0))
                (loop $class
                  (local.set $a (i32.shl (i32.add (local.get $k) (i32.const 2)) (i32.const 3)))
                  (local.set $v (f64.load (i32.add (local.get $h) (local.get $a))))
                  (f64.store (i32.add (local.get $L) (local.get $a)) (f64.add (f64.load (i32.add (local.get $L) (local.get $a))) (local.get $v)))
                  (f64.store (local.get $L) (f64.add (f64.load (local.get $L)) (local.get $v)))
                  (local.set $k (i32.add (local.get $k) (i32.const 1)))
                  (br_if $class (i32.lt_u (local.get $k) (local.get $K)))))
              (else
                (f64.store (local.get $L) (f64.add (f64.load (local.get $L))
                  (select (f64.load (local.get $h)) (local.get $c) (local.get $weighted))))
                (f64.store offset=16 (local.get $L) (f64.add (f64.load offset=16 (local.get $L)) (f64.load offset=16 (local.get $h))))))
            (local.set $nL (f64.add (local.get $nL) (local.get $c)))
            (local.set $prev (local.get $b))
            (br_if $done (f64.eq (local.get $nL) (local.get $mf)))))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $bin)))
    (memory.fill (local.get $h0) (i32.const 0) (i32.mul (local.get $nb) (local.get $sw8)))
    (f64.store (i32.const 0) (local.get $best))
    (f64.store (i32.const 8) (f64.convert_i32_s (local.get $bPrev)))
    (f64.store (i32.const 16) (f64.convert_i32_s (local.get $bNext)))
    (i32.eq (local.get $nonEmpty) (i32.const 1)))

  ;; ---- Every feature of a row at once (row-major codes of at most 64 bytes a row) ----
  ;; A row's codes are rv vectors of 16 bytes from codes + s * rs (lanes past its codes read
  ;; the next row's, or whatever follows the table, and mean nothing): bytes, or 16-bit lanes
  ;; where $mask is 0xffff. Two vectors a row are read where rv <= 2, else four.

  ;; Lane-wise min and max of a and v (bytes or 16-bit, as $mask says).
  (func $vmin (param $a v128) (param $v v128) (result v128)
    (if (result v128) (i32.eq (global.get $mask) (i32.const 0xff))
      (then (i8x16.min_u (local.get $a) (local.get $v)))
      (else (i16x8.min_u (local.get $a) (local.get $v)))))
  (func $vmax (param $a v128) (param $v v128) (result v128)
    (if (result v128) (i32.eq (global.get $mask) (i32.const 0xff))
      (then (i8x16.max_u (local.get $a) (local.get $v)))
      (else (i16x8.max_u (local.get $a) (local.get $v)))))

  ;; The min and max code of every lane over rows[0, m): into mnv and mxv (4 vectors each).
  (func $rangeV (param $codes i32) (param $rs i32) (param $rows i32) (param $m i32) (param $rv i32)
    (param $mnv i32) (param $mxv i32)
    (local $p i32) (local $end i32) (local $row i32) (local $v v128)
    (local $lo0 v128) (local $lo1 v128) (local $lo2 v128) (local $lo3 v128)
    (local $hi0 v128) (local $hi1 v128) (local $hi2 v128) (local $hi3 v128)
    (local.set $lo0 (v128.const i32x4 -1 -1 -1 -1))
    (local.set $lo1 (local.get $lo0))
    (local.set $lo2 (local.get $lo0))
    (local.set $lo3 (local.get $lo0))
    (local.set $p (local.get $rows))
    (local.set $end (i32.add (local.get $rows) (i32.shl (local.get $m) (i32.const 2))))
    (if (i32.le_u (local.get $rv) (i32.const 2))
      (then
        (if (i32.eq (global.get $mask) (i32.const 0xff))
          (then
            (loop $row8
              (local.set $row (i32.add (local.get $codes) (i32.mul (i32.load (local.get $p)) (local.get $rs))))
              (local.set $v (v128.load (local.get $row)))
              (local.set $lo0 (i8x16.min_u (local.get $lo0) (local.get $v)))
              (local.set $hi0 (i8x16.max_u (local.get $hi0) (local.get $v)))
              (local.set $v (v128.load offset=16 (local.get $row)))
              (local.set $lo1 (i8x16.min_u (local.get $lo1) (local.get $v)))
              (local.set $hi1 (i8x16.max_u (local.get $hi1) (local.get $v)))
              (local.set $p (i32.add (local.get $p) (i32.const 4)))
              (br_if $row8 (i32.lt_u (local.get $p) (local.get $end)))))
          (else
            (loop $row16
              (local.set $row (i32.add (local.get $codes) (i32.mul (i32.load (local.get $p)) (local.get $rs))))
              (local.set $v (v128.load (local.get $row)))
              (local.set $lo0 (i16x8.min_u (local.get $lo0) (local.get $v)))
              (local.set $hi0 (i16x8.max_u (local.get $hi0) (local.get $v)))
              (local.set $v (v128.load offset=16 (local.get $row)))
              (local.set $lo1 (i16x8.min_u (local.get $lo1) (local.get $v)))
              (local.set $hi1 (i16x8.max_u (local.get $hi1) (local.get $v)))
              (local.set $p (i32.add (local.get $p) (i32.const 4)))
              (br_if $row16 (i32.lt_u (local.get $p) (local.get $end)))))))
      (else
        (loop $row4
          (local.set $row (i32.add (local.get $codes) (i32.mul (i32.load (local.get $p)) (local.get $rs))))
          (local.set $v (v128.load (local.get $row)))
          (local.set $lo0 (call $vmin (local.get $lo0) (local.get $v)))
          (local.set $hi0 (call $vmax (local.get $hi0) (local.get $v)))
          (local.set $v (v128.load offset=16 (local.get $row)))
          (local.set $lo1 (call $vmin (local.get $lo1) (local.get $v)))
          (local.set $hi1 (call $vmax (local.get $hi1) (local.get $v)))
          (local.set $v (v128.load offset=32 (local.get $row)))
          (local.set $lo2 (call $vmin (local.get $lo2) (local.get $v)))
          (local.set $hi2 (call $vmax (local.get $hi2) (local.get $v)))
          (local.set $v (v128.load offset=48 (local.get $row)))
          (local.set $lo3 (call $vmin (local.get $lo3) (local.get $v)))
          (local.set $hi3 (call $vmax (local.get $hi3) (local.get $v)))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (br_if $row4 (i32.lt_u (local.get $p) (local.get $end))))))
    (v128.store offset=0 (local.get $mnv) (local.get $lo0))
    (v128.store offset=16 (local.get $mnv) (local.get $lo1))
    (v128.store offset=32 (local.get $mnv) (local.get $lo2))
    (v128.store offset=48 (local.get $mnv) (local.get $lo3))
    (v128.store offset=0 (local.get $mxv) (local.get $hi0))
    (v128.store offset=16 (local.get $mxv) (local.get $hi1))
    (v128.store offset=32 (local.get $mxv) (local.get $hi2))
    (v128.store offset=48 (local.get $mxv) (local.get $hi3)))

  ;; Lanes of le (all ones where a code is at most its cut) counted into c, and those of a
  ;; class-1 row (y all ones) into y: a lane's count is its negated sum.
  (func $vcount (param $acc v128) (param $le v128) (result v128)
    (if (result v128) (i32.eq (global.get $mask) (i32.const 0xff))
      (then (i8x16.sub (local.get $acc) (local.get $le)))
      (else (i16x8.sub (local.get $acc) (local.get $le)))))
  (func $vle (param $v v128) (param $cut v128) (result v128)
    (if (result v128) (i32.eq (global.get $mask) (i32.const 0xff))
      (then (i8x16.le_u (local.get $v) (local.get $cut)))
      (else (i16x8.le_u (local.get $v) (local.get $cut)))))

  ;; Two classes (labels, a byte a row: 0 or 1), every row once: per lane, how many of
  ;; rows[0, m) have a code at most that lane's cut in cutv (4 vectors), and how many of those
  ;; are of class 1, as i32 totals a lane (lane l of vector k at (16k / bytes a code + l) * 4
  ;; of cnt and pos, which the caller zeroes). By blocks of 128 rows, so a count fits a lane.
  (func $countV (param $codes i32) (param $rs i32) (param $rows i32) (param $m i32) (param $rv i32)
    (param $cutv i32) (param $labels i32) (param $cnt i32) (param $pos i32)
    (local $p i32) (local $p1 i32) (local $end i32) (local $s i32) (local $row i32) (local $le v128)
    (local $y v128) (local $k i32)
    (local $cut0 v128) (local $cut1 v128) (local $cut2 v128) (local $cut3 v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $y0 v128) (local $y1 v128) (local $y2 v128) (local $y3 v128)
    (local.set $cut0 (v128.load offset=0 (local.get $cutv)))
    (local.set $cut1 (v128.load offset=16 (local.get $cutv)))
    (local.set $cut2 (v128.load offset=32 (local.get $cutv)))
    (local.set $cut3 (v128.load offset=48 (local.get $cutv)))
    (local.set $p (local.get $rows))
    (local.set $end (i32.add (local.get $rows) (i32.shl (local.get $m) (i32.const 2))))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $p1 (i32.add (local.get $p) (i32.const 512)))
        (if (i32.gt_u (local.get $p1) (local.get $end)) (then (local.set $p1 (local.get $end))))
        (local.set $c0 (v128.const i32x4 0 0 0 0))
        (local.set $c1 (local.get $c0))
        (local.set $c2 (local.get $c0))
        (local.set $c3 (local.get $c0))
        (local.set $y0 (local.get $c0))
        (local.set $y1 (local.get $c0))
        (local.set $y2 (local.get $c0))
        (local.set $y3 (local.get $c0))
        (if (i32.and (i32.le_u (local.get $rv) (i32.const 2)) (i32.eq (global.get $mask) (i32.const 0xff)))
          (then
            (loop $row8
              (local.set $s (i32.load (local.get $p)))
              (local.set $row (i32.add (local.get $codes) (i32.mul (local.get $s) (local.get $rs))))
              (local.set $y (i8x16.splat (i32.sub (i32.const 0) (i32.load8_u (i32.add (local.get $labels) (local.get $s))))))
              (local.set $le (i8x16.le_u (v128.load (local.get $row)) (local.get $cut0)))
              (local.set $c0 (i8x16.sub (local.get $c0) (local.get $le)))
              (local.set $y0 (i8x16.sub (local.get $y0) (v128.and (local.get $le) (local.get $y))))
              (local.set $le (i8x16.le_u (v128.load offset=16 (local.get $row)) (local.get $cut1)))
              (local.set $c1 (i8x16.sub (local.get $c1) (local.get $le)))
              (local.set $y1 (i8x16.sub (local.get $y1) (v128.and (local.get $le) (local.get $y))))
              (local.set $p (i32.add (local.get $p) (i32.const 4)))
              (br_if $row8 (i32.lt_u (local.get $p) (local.get $p1)))))
          (else
            (loop $row
              (local.set $s (i32.load (local.get $p)))
              (local.set $row (i32.add (local.get $codes) (i32.mul (local.get $s) (local.get $rs))))
              (local.set $y (i8x16.splat (i32.sub (i32.const 0) (i32.load8_u (i32.add (local.get $labels) (local.get $s))))))
              (local.set $le (call $vle (v128.load (local.get $row)) (local.get $cut0)))
              (local.set $c0 (call $vcount (local.get $c0) (local.get $le)))
              (local.set $y0 (call $vcount (local.get $y0) (v128.and (local.get $le) (local.get $y))))
              (local.set $le (call $vle (v128.load offset=16 (local.get $row)) (local.get $cut1)))
              (local.set $c1 (call $vcount (local.get $c1) (local.get $le)))
              (local.set $y1 (call $vcount (local.get $y1) (v128.and (local.get $le) (local.get $y))))
              (local.set $le (call $vle (v128.load offset=32 (local.get $row)) (local.get $cut2)))
              (local.set $c2 (call $vcount (local.get $c2) (local.get $le)))
              (local.set $y2 (call $vcount (local.get $y2) (v128.and (local.get $le) (local.get $y))))
              (local.set $le (call $vle (v128.load offset=48 (local.get $row)) (local.get $cut3)))
              (local.set $c3 (call $vcount (local.get $c3) (local.get $le)))
              (local.set $y3 (call $vcount (local.get $y3) (v128.and (local.get $le) (local.get $y))))
              (local.set $p (i32.add (local.get $p) (i32.const 4)))
              (br_if $row (i32.lt_u (local.get $p) (local.get $p1))))))
        (call $addLanes (local.get $cnt) (i32.const 0) (local.get $c0))
        (call $addLanes (local.get $pos) (i32.const 0) (local.get $y0))
        (call $addLanes (local.get $cnt) (i32.const 1) (local.get $c1))
        (call $addLanes (local.get $pos) (i32.const 1) (local.get $y1))
        (if (i32.gt_u (local.get $rv) (i32.const 2))
          (then
            (call $addLanes (local.get $cnt) (i32.const 2) (local.get $c2))
            (call $addLanes (local.get $pos) (i32.const 2) (local.get $y2))
            (call $addLanes (local.get $cnt) (i32.const 3) (local.get $c3))
            (call $addLanes (local.get $pos) (i32.const 3) (local.get $y3))))
        (br $block))))

  ;; Vector k's lane counts (bytes or 16-bit) added to the i32 totals from t.
  (func $addLanes (param $t i32) (param $k i32) (param $v v128)
    (if (i32.eq (global.get $mask) (i32.const 0xff))
      (then (call $addBytes (i32.add (local.get $t) (i32.shl (local.get $k) (i32.const 6))) (local.get $v)))
      (else (call $addShorts (i32.add (local.get $t) (i32.shl (local.get $k) (i32.const 5))) (local.get $v)))))

  ;; The 16 unsigned bytes of v added to the i32 totals at t[0, 16).
  (func $addBytes (param $t i32) (param $v v128)
    (local $lo v128) (local $hi v128)
    (local.set $lo (i16x8.extend_low_i8x16_u (local.get $v)))
    (local.set $hi (i16x8.extend_high_i8x16_u (local.get $v)))
    (v128.store offset=0 (local.get $t)
      (i32x4.add (v128.load offset=0 (local.get $t)) (i32x4.extend_low_i16x8_u (local.get $lo))))
    (v128.store offset=16 (local.get $t)
      (i32x4.add (v128.load offset=16 (local.get $t)) (i32x4.extend_high_i16x8_u (local.get $lo))))
    (v128.store offset=32 (local.get $t)
      (i32x4.add (v128.load offset=32 (local.get $t)) (i32x4.extend_low_i16x8_u (local.get $hi))))
    (v128.store offset=48 (local.get $t)
      (i32x4.add (v128.load offset=48 (local.get $t)) (i32x4.extend_high_i16x8_u (local.get $hi)))))

  ;; The 8 unsigned 16-bit lanes of v added to the i32 totals at t[0, 8).
  (func $addShorts (param $t i32) (param $v v128)
    (v128.store offset=0 (local.get $t)
      (i32x4.add (v128.load offset=0 (local.get $t)) (i32x4.extend_low_i16x8_u (local.get $v))))
    (v128.store offset=16 (local.get $t)
      (i32x4.add (v128.load offset=16 (local.get $t)) (i32x4.extend_high_i16x8_u (local.get $v)))))

  ;; ---- Extra trees on codes, a node's whole subtree at once (grower.ts growSubtree) ----
  ;; Two classes or regression, every row once, no sparse reads: the grower's processNode,
  ;; findSplit and evalRandomCodes in one call, with their draws and arithmetic in the same
  ;; order, so the tree is the one the grower's JavaScript grows node by node (the tests
  ;; compare them). Per node there, the calls into the passes and the per-candidate arrays
  ;; around them cost more than the rows of a small node, and most nodes of a grown tree are
  ;; small. subtreeSetup reads the grower's constants from a block of memory (conf, below).
  (global $sCodes (mut i32) (i32.const 0))
  (global $sRs (mut i32) (i32.const 0))
  (global $sCs (mut i32) (i32.const 0))
  (global $sTargets (mut i32) (i32.const 0))
  (global $sSamples (mut i32) (i32.const 0))
  (global $sScratch (mut i32) (i32.const 0))
  (global $sLo (mut i32) (i32.const 0))
  (global $sHi (mut i32) (i32.const 0))
  (global $sOffset (mut i32) (i32.const 0))
  (global $sD (mut i32) (i32.const 0))
  (global $sWant (mut i32) (i32.const 0))
  (global $sMinSplit (mut i32) (i32.const 0))
  (global $sMinLeaf (mut i32) (i32.const 0))
  (global $sMaxDepth (mut i32) (i32.const 0))
  (global $sK (mut i32) (i32.const 0))
  (global $sFeats (mut i32) (i32.const 0))
  (global $sKnown (mut i32) (i32.const 0))
  (global $sImp (mut i32) (i32.const 0))
  (global $sBatch (mut i32) (i32.const 0))
  (global $sIsConst (mut i32) (i32.const 0))
  (global $sThr (mut i32) (i32.const 0))
  (global $sFo (mut i32) (i32.const 0))
  (global $sCut (mut i32) (i32.const 0))
  (global $sMn (mut i32) (i32.const 0))
  (global $sMx (mut i32) (i32.const 0))
  (global $sRes (mut i32) (i32.const 0))
  (global $sStack (mut i32) (i32.const 0))
  (global $sTmp (mut i32) (i32.const 0))
  (global $sNodeF (mut i32) (i32.const 0))
  (global $sNodeT (mut i32) (i32.const 0))
  (global $sNodeL (mut i32) (i32.const 0))
  (global $sNodeR (mut i32) (i32.const 0))
  (global $sLeafV (mut i32) (i32.const 0))
  (global $sRv (mut i32) (i32.const 0))
  (global $sLabels (mut i32) (i32.const 0))
  (global $sN8 (mut i32) (i32.const 0))
  (global $sXs (mut i32) (i32.const 0))
  (global $sY (mut i32) (i32.const 0))
  (global $sMinDec (mut f64) (f64.const 0))
  (global $sRootW (mut f64) (f64.const 0))
  ;; The node search's best split, and the subtree's counts and pending nodes.
  (global $bFeature (mut i32) (i32.const -1))
  (global $bBin (mut i32) (i32.const -1))
  (global $bThr (mut f64) (f64.const 0))
  (global $bProxy (mut f64) (f64.const 0))
  (global $nNodes (mut i32) (i32.const 0))
  (global $nLeaves (mut i32) (i32.const 0))
  (global $sp (mut i32) (i32.const 0))

  ;; conf: i32 [codes, rowStride, colStride (bytes), targets, samples, scratch, lo, hi,
  ;; offset, d, max_features, min_samples_split, min_samples_leaf, max_depth, K, feats,
  ;; known, importance, batch, isConst, thr, fo, cut, mn, mx, res, stack, tmp, nodeF, nodeT,
  ;; nodeL, nodeR, leafV, rv (vectors a row for rangeV and countV, 0: not those)], then at byte
  ;; 136 f64 [min_impurity_decrease, root weight], then at 152 i32 [labels (two classes: a
  ;; byte a row), n8 (on values: 8n, the values' column stride; 0 on codes), xs, y (on
  ;; values: a feature's and the targets' buffers for a node's rows)]. tmp holds 1024 bytes: the node's stats
  ;; (0), its sides' (32, 64), a candidate's left side (96), and rangeV's and countV's
  ;; vectors (128: min, 192: max, 256: cuts, 320: counts, 576: class-1 counts).
  (func (export "subtreeSetup") (param $c i32)
    (global.set $sCodes (i32.load offset=0 (local.get $c)))
    (global.set $sRs (i32.load offset=4 (local.get $c)))
    (global.set $sCs (i32.load offset=8 (local.get $c)))
    (global.set $sTargets (i32.load offset=12 (local.get $c)))
    (global.set $sSamples (i32.load offset=16 (local.get $c)))
    (global.set $sScratch (i32.load offset=20 (local.get $c)))
    (global.set $sLo (i32.load offset=24 (local.get $c)))
    (global.set $sHi (i32.load offset=28 (local.get $c)))
    (global.set $sOffset (i32.load offset=32 (local.get $c)))
    (global.set $sD (i32.load offset=36 (local.get $c)))
    (global.set $sWant (i32.load offset=40 (local.get $c)))
    (global.set $sMinSplit (i32.load offset=44 (local.get $c)))
    (global.set $sMinLeaf (i32.load offset=48 (local.get $c)))
    (global.set $sMaxDepth (i32.load offset=52 (local.get $c)))
    (global.set $sK (i32.load offset=56 (local.get $c)))
    (global.set $sFeats (i32.load offset=60 (local.get $c)))
    (global.set $sKnown (i32.load offset=64 (local.get $c)))
    (global.set $sImp (i32.load offset=68 (local.get $c)))
    (global.set $sBatch (i32.load offset=72 (local.get $c)))
    (global.set $sIsConst (i32.load offset=76 (local.get $c)))
    (global.set $sThr (i32.load offset=80 (local.get $c)))
    (global.set $sFo (i32.load offset=84 (local.get $c)))
    (global.set $sCut (i32.load offset=88 (local.get $c)))
    (global.set $sMn (i32.load offset=92 (local.get $c)))
    (global.set $sMx (i32.load offset=96 (local.get $c)))
    (global.set $sRes (i32.load offset=100 (local.get $c)))
    (global.set $sStack (i32.load offset=104 (local.get $c)))
    (global.set $sTmp (i32.load offset=108 (local.get $c)))
    (global.set $sNodeF (i32.load offset=112 (local.get $c)))
    (global.set $sNodeT (i32.load offset=116 (local.get $c)))
    (global.set $sNodeL (i32.load offset=120 (local.get $c)))
    (global.set $sNodeR (i32.load offset=124 (local.get $c)))
    (global.set $sLeafV (i32.load offset=128 (local.get $c)))
    (global.set $sRv (i32.load offset=132 (local.get $c)))
    (global.set $sLabels (i32.load offset=152 (local.get $c)))
    (global.set $sN8 (i32.load offset=156 (local.get $c)))
    (global.set $sXs (i32.load offset=160 (local.get $c)))
    (global.set $sY (i32.load offset=164 (local.get $c)))
    (global.set $sMinDec (f64.load offset=136 (local.get $c)))
    (global.set $sRootW (f64.load offset=144 (local.get $c))))

  ;; Rng.int: floor(next() * n).
  (func $rngInt (param $n i32) (result i32)
    (i32.trunc_f64_u (f64.mul (call $next) (f64.convert_i32_u (local.get $n)))))

  ;; Swaps the i32 at a + 4i and a + 4j.
  (func $swap (param $a i32) (param $i i32) (param $j i32)
    (local $pi i32) (local $pj i32) (local $t i32)
    (local.set $pi (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
    (local.set $pj (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 2))))
    (local.set $t (i32.load (local.get $pi)))
    (i32.store (local.get $pi) (i32.load (local.get $pj)))
    (i32.store (local.get $pj) (local.get $t)))

  ;; Impurity of stats [W, count, c0, c1] (Gini) or [W, count, S, S2] (variance).
  (func $impurity (param $st i32) (result f64)
    (local $W f64) (local $m f64) (local $v f64) (local $a f64) (local $b f64)
    (local.set $W (f64.load (local.get $st)))
    (if (f64.le (local.get $W) (f64.const 0)) (then (return (f64.const 0))))
    (local.set $a (f64.load offset=16 (local.get $st)))
    (local.set $b (f64.load offset=24 (local.get $st)))
    (if (i32.eqz (global.get $sK))
      (then
        (local.set $m (f64.div (local.get $a) (local.get $W)))
        (local.set $v (f64.sub (f64.div (local.get $b) (local.get $W)) (f64.mul (local.get $m) (local.get $m))))
        (return (select (local.get $v) (f64.const 0) (f64.gt (local.get $v) (f64.const 0))))))
    (f64.sub (f64.const 1)
      (f64.div
        (f64.add (f64.mul (local.get $a) (local.get $a)) (f64.mul (local.get $b) (local.get $b)))
        (f64.mul (local.get $W) (local.get $W)))))

  ;; A candidate whose n of the node's m rows go left, their targets summing to sum (two
  ;; classes: how many are of class 1): if both sides keep min_samples_leaf rows, its left
  ;; stats at tmp + 96 and its proxy, kept as the node's best split (feature f, its last
  ;; bin going left or -2 on values, threshold t) when better than the best so far.
  (func $considerCount (param $st i32) (param $n i32) (param $sum f64) (param $m i32) (param $f i32)
    (param $bin i32) (param $t f64)
    (local $msl i32) (local $L i32) (local $count f64) (local $p f64)
    (local.set $msl (global.get $sMinLeaf))
    ;; sidesAllowed
    (if (i32.eqz
          (i32.and
            (i32.and (i32.gt_s (local.get $n) (i32.const 0)) (i32.lt_s (local.get $n) (local.get $m)))
            (i32.and (i32.ge_s (local.get $n) (local.get $msl))
              (i32.ge_s (i32.sub (local.get $m) (local.get $n)) (local.get $msl)))))
      (then (return)))
    (local.set $L (i32.add (global.get $sTmp) (i32.const 96)))
    (local.set $count (f64.convert_i32_u (local.get $n)))
    (f64.store (local.get $L) (local.get $count))
    (f64.store offset=8 (local.get $L) (local.get $count))
    (if (global.get $sK)
      (then
        (f64.store offset=16 (local.get $L) (f64.sub (local.get $count) (local.get $sum)))
        (f64.store offset=24 (local.get $L) (local.get $sum)))
      (else
        (f64.store offset=16 (local.get $L) (local.get $sum))
        (f64.store offset=24 (local.get $L) (f64.const 0))))
    (local.set $p (call $proxyK (local.get $st) (local.get $L) (global.get $sK)))
    (if (f64.gt (local.get $p) (global.get $bProxy))
      (then
        (global.set $bProxy (local.get $p))
        (global.set $bFeature (local.get $f))
        (global.set $bBin (local.get $bin))
        (global.set $bThr (local.get $t)))))

  ;; The last bin in [a, z] of the feature at bin o whose largest value is <= t (a - 1: none).
  ;; The bins' largest values ascend, so it is a - 1 plus how many of them are <= t: counted
  ;; two at a time, with no chain of dependent loads as a binary search has (most nodes are
  ;; deep, their codes' range narrow); a wide range is searched.
  (func $lastBinAtMost (param $o i32) (param $a i32) (param $z i32) (param $t f64) (result i32)
    (local $lo i32) (local $up i32) (local $mid i32) (local $le i32) (local $p i32) (local $end i32)
    (local $n v128) (local $tt v128)
    (if (i32.le_s (i32.sub (local.get $z) (local.get $a)) (i32.const 32))
      (then
        (local.set $p (i32.add (global.get $sHi) (i32.shl (i32.add (local.get $o) (local.get $a)) (i32.const 3))))
        (local.set $end (i32.add (global.get $sHi) (i32.shl (i32.add (local.get $o) (local.get $z)) (i32.const 3))))
        (local.set $tt (f64x2.splat (local.get $t)))
        ;; Pairs [p, p + 16) while p + 8 <= end, then the last one alone.
        (block $pairsDone
          (loop $pair
            (br_if $pairsDone (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $n (i64x2.sub (local.get $n) (f64x2.le (v128.load (local.get $p)) (local.get $tt))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (br $pair)))
        (local.set $lo (i32.add (i32.sub (local.get $a) (i32.const 1))
          (i32.wrap_i64 (i64.add (i64x2.extract_lane 0 (local.get $n)) (i64x2.extract_lane 1 (local.get $n))))))
        (if (i32.eq (local.get $p) (local.get $end))
          (then (local.set $lo (i32.add (local.get $lo) (f64.le (f64.load (local.get $p)) (local.get $t))))))
        (return (local.get $lo))))
    (local.set $lo (i32.sub (local.get $a) (i32.const 1)))
    (local.set $up (local.get $z))
    (block $done
      (loop $search
        (br_if $done (i32.ge_s (local.get $lo) (local.get $up)))
        (local.set $mid (i32.shr_s (i32.add (i32.add (local.get $lo) (local.get $up)) (i32.const 1)) (i32.const 1)))
        ;; Selects, not branches: which half holds the answer is a coin flip to the CPU.
        (local.set $le (f64.le
          (f64.load (i32.add (global.get $sHi) (i32.shl (i32.add (local.get $o) (local.get $mid)) (i32.const 3))))
          (local.get $t)))
        (local.set $lo (select (local.get $mid) (local.get $lo) (local.get $le)))
        (local.set $up (select (local.get $up) (i32.sub (local.get $mid) (i32.const 1)) (local.get $le)))
        (br $search)))
    (local.get $lo))

  ;; evalRandomCodes without sparse reads, on rows samples[start, start + m): the candidates
  ;; batch[0, take) marked constant or not (isConst), the best split kept. Returns how many
  ;; were constant.
  (func $evalRandom (param $take i32) (param $start i32) (param $m i32) (param $st i32) (result i32)
    (local $rows i32) (local $q i32) (local $q4 i32) (local $o i32) (local $a i32) (local $b i32)
    (local $vmin f64) (local $vmax f64) (local $t f64) (local $c i32) (local $next f64)
    (local $constants i32) (local $flat i32) (local $r i32)
    (local.set $rows (i32.add (global.get $sSamples) (i32.shl (local.get $start) (i32.const 2))))
    (local.set $q (i32.const 0))
    (loop $fo
      (local.set $q4 (i32.shl (local.get $q) (i32.const 2)))
      (i32.store (i32.add (global.get $sFo) (local.get $q4))
        (i32.mul (i32.load (i32.add (global.get $sBatch) (local.get $q4))) (global.get $sCs)))
      (i32.store (i32.add (global.get $sMn) (local.get $q4)) (i32.const 0x7fffffff))
      (i32.store (i32.add (global.get $sMx) (local.get $q4)) (i32.const -1))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br_if $fo (i32.lt_u (local.get $q) (local.get $take))))
    (if (global.get $sRv)
      (then
        ;; Every feature's range at once, then the candidates' lanes read out.
        (call $rangeV (global.get $sCodes) (global.get $sRs) (local.get $rows) (local.get $m) (global.get $sRv)
          (i32.add (global.get $sTmp) (i32.const 128)) (i32.add (global.get $sTmp) (i32.const 192)))
        (local.set $q (i32.const 0))
        (loop $lanes
          (local.set $q4 (i32.shl (local.get $q) (i32.const 2)))
          (local.set $o (i32.add (global.get $sTmp) (i32.load (i32.add (global.get $sFo) (local.get $q4)))))
          (i32.store (i32.add (global.get $sMn) (local.get $q4))
            (i32.and (global.get $mask) (i32.load16_u offset=128 (local.get $o))))
          (i32.store (i32.add (global.get $sMx) (local.get $q4))
            (i32.and (global.get $mask) (i32.load16_u offset=192 (local.get $o))))
          (local.set $q (i32.add (local.get $q) (i32.const 1)))
          (br_if $lanes (i32.lt_u (local.get $q) (local.get $take)))))
      (else
        (call $codesRange (global.get $sCodes) (global.get $sRs) (local.get $rows) (local.get $m)
          (global.get $sFo) (local.get $take) (global.get $sMn) (global.get $sMx))))
    (local.set $q (i32.const 0))
    (loop $draw
      (local.set $q4 (i32.shl (local.get $q) (i32.const 2)))
      (local.set $o (i32.load (i32.add (global.get $sOffset)
        (i32.shl (i32.load (i32.add (global.get $sBatch) (local.get $q4))) (i32.const 2)))))
      (local.set $a (i32.load (i32.add (global.get $sMn) (local.get $q4))))
      (local.set $b (i32.load (i32.add (global.get $sMx) (local.get $q4))))
      (local.set $vmin (f64.load (i32.add (global.get $sLo) (i32.shl (i32.add (local.get $o) (local.get $a)) (i32.const 3)))))
      (local.set $vmax (f64.load (i32.add (global.get $sHi) (i32.shl (i32.add (local.get $o) (local.get $b)) (i32.const 3)))))
      (i32.store (i32.add (global.get $sCut) (local.get $q4)) (i32.const -1))
      (local.set $flat (f64.le (local.get $vmax) (f64.add (local.get $vmin) (f64.const 1e-7))))
      (i32.store8 (i32.add (global.get $sIsConst) (local.get $q)) (local.get $flat))
      (if (local.get $flat)
        (then (local.set $constants (i32.add (local.get $constants) (i32.const 1))))
        (else
          (local.set $t (f64.add (local.get $vmin) (f64.mul (call $next) (f64.sub (local.get $vmax) (local.get $vmin)))))
          (if (f64.ge (local.get $t) (local.get $vmax)) (then (local.set $t (local.get $vmin))))
          (local.set $c (call $lastBinAtMost (local.get $o) (local.get $a) (local.get $b) (local.get $t)))
          (if (i32.and (i32.ge_s (local.get $c) (local.get $a)) (i32.lt_s (local.get $c) (local.get $b)))
            (then
              (i32.store (i32.add (global.get $sCut) (local.get $q4)) (local.get $c))
              ;; agreeingThreshold: t unless it falls inside the next bin.
              (local.set $next (f64.load (i32.add (global.get $sLo)
                (i32.shl (i32.add (i32.add (local.get $o) (local.get $c)) (i32.const 1)) (i32.const 3)))))
              (if (i32.eqz (f64.lt (local.get $t) (local.get $next)))
                (then
                  (local.set $t
                    (f64.add
                      (f64.div (f64.load (i32.add (global.get $sHi) (i32.shl (i32.add (local.get $o) (local.get $c)) (i32.const 3))))
                        (f64.const 2))
                      (f64.div (local.get $next) (f64.const 2))))))
              (f64.store (i32.add (global.get $sThr) (i32.shl (local.get $q) (i32.const 3))) (local.get $t))))))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br_if $draw (i32.lt_u (local.get $q) (local.get $take))))
    (if (i32.eq (local.get $constants) (local.get $take)) (then (return (local.get $constants))))
    (if (i32.and (i32.ne (global.get $sRv) (i32.const 0)) (i32.eq (global.get $sK) (i32.const 2)))
      (then
        ;; Two classes: every lane counted at once against its cut, then the candidates' read out.
        (memory.fill (i32.add (global.get $sTmp) (i32.const 256)) (i32.const 0) (i32.const 576))
        (local.set $q (i32.const 0))
        (loop $cuts
          (local.set $q4 (i32.shl (local.get $q) (i32.const 2)))
          (local.set $c (i32.load (i32.add (global.get $sCut) (local.get $q4))))
          (if (i32.ge_s (local.get $c) (i32.const 0))
            (then
              (local.set $o (i32.add (global.get $sTmp) (i32.load (i32.add (global.get $sFo) (local.get $q4)))))
              (if (i32.eq (global.get $mask) (i32.const 0xff))
                (then (i32.store8 offset=256 (local.get $o) (local.get $c)))
                (else (i32.store16 offset=256 (local.get $o) (local.get $c))))))
          (local.set $q (i32.add (local.get $q) (i32.const 1)))
          (br_if $cuts (i32.lt_u (local.get $q) (local.get $take))))
        (call $countV (global.get $sCodes) (global.get $sRs) (local.get $rows) (local.get $m) (global.get $sRv)
          (i32.add (global.get $sTmp) (i32.const 256)) (global.get $sLabels)
          (i32.add (global.get $sTmp) (i32.const 320)) (i32.add (global.get $sTmp) (i32.const 576)))
        (local.set $q (i32.const 0))
        (loop $totals
          ;; Lane of byte offset fo: fo (bytes) or fo / 2 (16 bits); 4 bytes a total.
          (local.set $o (i32.add (global.get $sTmp)
            (i32.shl (i32.load (i32.add (global.get $sFo) (i32.shl (local.get $q) (i32.const 2))))
              (select (i32.const 2) (i32.const 1) (i32.eq (global.get $mask) (i32.const 0xff))))))
          (local.set $r (i32.add (global.get $sRes) (i32.mul (local.get $q) (i32.const 24))))
          (f64.store offset=8 (local.get $r) (f64.convert_i32_u (i32.load offset=320 (local.get $o))))
          (f64.store offset=16 (local.get $r) (f64.convert_i32_u (i32.load offset=576 (local.get $o))))
          (local.set $q (i32.add (local.get $q) (i32.const 1)))
          (br_if $totals (i32.lt_u (local.get $q) (local.get $take)))))
      (else
        (memory.fill (global.get $sRes) (i32.const 0) (i32.mul (local.get $take) (i32.const 24)))
        (call $codesCount (global.get $sCodes) (global.get $sRs) (local.get $rows) (local.get $m)
          (global.get $sFo) (global.get $sCut) (local.get $take) (global.get $sTargets) (global.get $sRes))))
    (local.set $q (i32.const 0))
    (loop $pick
      (local.set $q4 (i32.shl (local.get $q) (i32.const 2)))
      (local.set $c (i32.load (i32.add (global.get $sCut) (local.get $q4))))
      (if (i32.ge_s (local.get $c) (i32.const 0))
        (then
          (local.set $r (i32.add (global.get $sRes) (i32.mul (local.get $q) (i32.const 24))))
          (call $considerCount (local.get $st)
            (i32.trunc_f64_u (f64.load offset=8 (local.get $r))) (f64.load offset=16 (local.get $r)) (local.get $m)
            (i32.load (i32.add (global.get $sBatch) (local.get $q4))) (local.get $c)
            (f64.load (i32.add (global.get $sThr) (i32.shl (local.get $q) (i32.const 3)))))))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br_if $pick (i32.lt_u (local.get $q) (local.get $take))))
    (local.get $constants))

  ;; evalRandomValues and evalRandomTiny on values (the table's columns, n8 bytes apart),
  ;; every row once: the node's targets gathered, then per candidate its values with their
  ;; min and max, the threshold drawn, and the rows at or below it counted with their sum
  ;; ($countSum). Returns how many candidates were constant.
  (func $evalRandomValues (param $take i32) (param $start i32) (param $m i32) (param $st i32) (result i32)
    (local $rows i32) (local $q i32) (local $f i32) (local $lo f64) (local $hi f64) (local $t f64)
    (local $flat i32) (local $constants i32) (local $n i32)
    (local.set $rows (i32.add (global.get $sSamples) (i32.shl (local.get $start) (i32.const 2))))
    (call $gather (global.get $sTargets) (local.get $rows) (local.get $m) (global.get $sY))
    (loop $cand
      (local.set $f (i32.load (i32.add (global.get $sBatch) (i32.shl (local.get $q) (i32.const 2)))))
      (call $gather (i32.add (global.get $sCodes) (i32.mul (local.get $f) (global.get $sN8)))
        (local.get $rows) (local.get $m) (global.get $sXs))
      (local.set $lo (f64.load (i32.const 0)))
      (local.set $hi (f64.load (i32.const 8)))
      (local.set $flat (f64.le (local.get $hi) (f64.add (local.get $lo) (f64.const 1e-7))))
      (i32.store8 (i32.add (global.get $sIsConst) (local.get $q)) (local.get $flat))
      (if (local.get $flat)
        (then (local.set $constants (i32.add (local.get $constants) (i32.const 1))))
        (else
          (local.set $t (f64.add (local.get $lo) (f64.mul (call $next) (f64.sub (local.get $hi) (local.get $lo)))))
          (if (f64.ge (local.get $t) (local.get $hi)) (then (local.set $t (local.get $lo))))
          (local.set $n (call $countSum (global.get $sXs) (global.get $sY) (local.get $m) (local.get $t)))
          (call $considerCount (local.get $st) (local.get $n) (f64.load (i32.const 24)) (local.get $m)
            (local.get $f) (i32.const -2) (local.get $t))))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br_if $cand (i32.lt_u (local.get $q) (local.get $take))))
    (local.get $constants))

  ;; The grower's findSplit (scikit-learn's feature draw, see there) with evalRandom above.
  ;; Returns how many features the children know to be constant.
  (func $findSplit (param $start i32) (param $m i32) (param $st i32) (param $nKnown i32) (result i32)
    (local $d i32) (local $want i32) (local $fI i32) (local $nDrawn i32) (local $nFound i32)
    (local $visited i32) (local $need i32) (local $take i32) (local $j i32) (local $pos i32)
    (local $c i32) (local $q i32) (local $lo i32) (local $hi i32) (local $a i32) (local $U i32)
    (local $i i32) (local $feats i32) (local $isConst i32)
    (global.set $bFeature (i32.const -1))
    (global.set $bProxy (f64.const -inf))
    (local.set $d (global.get $sD))
    (local.set $want (global.get $sWant))
    (local.set $feats (global.get $sFeats))
    (local.set $isConst (global.get $sIsConst))
    (local.set $fI (local.get $d))
    (if (i32.ge_s (local.get $want) (local.get $d)) (then (local.set $nDrawn (local.get $nKnown))))
    (local.set $visited (local.get $nDrawn))
    (block $rounds
      (loop $round
        (br_if $rounds (i32.le_s (local.get $fI) (i32.add (local.get $nKnown) (local.get $nFound))))
        (br_if $rounds
          (i32.and
            (i32.ge_s (local.get $visited) (local.get $want))
            (i32.gt_s (local.get $visited) (i32.add (local.get $nFound) (local.get $nDrawn)))))
        (local.set $need
          (select (i32.sub (local.get $want) (local.get $visited)) (i32.const 1)
            (i32.lt_s (local.get $visited) (local.get $want))))
        (local.set $take (i32.const 0))
        (block $drawn
          (loop $draw
            (br_if $drawn (i32.ge_s (local.get $take) (local.get $need)))
            (br_if $drawn (i32.le_s (i32.sub (local.get $fI) (local.get $take)) (i32.add (local.get $nKnown) (local.get $nFound))))
            (local.set $visited (i32.add (local.get $visited) (i32.const 1)))
            (local.set $j (i32.add (local.get $nDrawn)
              (call $rngInt (i32.sub (i32.sub (i32.sub (local.get $fI) (local.get $take)) (local.get $nFound)) (local.get $nDrawn)))))
            (if (i32.lt_s (local.get $j) (local.get $nKnown))
              (then
                (call $swap (local.get $feats) (local.get $nDrawn) (local.get $j))
                (local.set $nDrawn (i32.add (local.get $nDrawn) (i32.const 1))))
              (else
                (local.set $j (i32.add (local.get $j) (local.get $nFound)))
                (local.set $pos (i32.sub (i32.sub (local.get $fI) (local.get $take)) (i32.const 1)))
                (call $swap (local.get $feats) (local.get $j) (local.get $pos))
                (i32.store (i32.add (global.get $sBatch) (i32.shl (local.get $take) (i32.const 2)))
                  (i32.load (i32.add (local.get $feats) (i32.shl (local.get $pos) (i32.const 2)))))
                (local.set $take (i32.add (local.get $take) (i32.const 1)))))
            (br $draw)))
        (if (i32.eqz (local.get $take)) (then (br $round)))
        (drop
          (if (result i32) (global.get $sN8)
            (then (call $evalRandomValues (local.get $take) (local.get $start) (local.get $m) (local.get $st)))
            (else (call $evalRandom (local.get $take) (local.get $start) (local.get $m) (local.get $st)))))
        ;; The round sits at feats[fI - take, fI): constants first, then the rest (visited).
        (local.set $c (i32.const 0))
        (local.set $q (i32.const 0))
        (loop $count
          (local.set $c (i32.add (local.get $c) (i32.load8_u (i32.add (local.get $isConst) (local.get $q)))))
          (local.set $q (i32.add (local.get $q) (i32.const 1)))
          (br_if $count (i32.lt_u (local.get $q) (local.get $take))))
        (if (local.get $c)
          (then
            (local.set $lo (i32.sub (local.get $fI) (local.get $take)))
            (local.set $hi (i32.add (local.get $lo) (local.get $c)))
            (local.set $q (i32.const 0))
            (loop $place
              (if (i32.load8_u (i32.add (local.get $isConst) (local.get $q)))
                (then
                  (i32.store (i32.add (local.get $feats) (i32.shl (local.get $lo) (i32.const 2)))
                    (i32.load (i32.add (global.get $sBatch) (i32.shl (local.get $q) (i32.const 2)))))
                  (local.set $lo (i32.add (local.get $lo) (i32.const 1))))
                (else
                  (i32.store (i32.add (local.get $feats) (i32.shl (local.get $hi) (i32.const 2)))
                    (i32.load (i32.add (global.get $sBatch) (i32.shl (local.get $q) (i32.const 2)))))
                  (local.set $hi (i32.add (local.get $hi) (i32.const 1)))))
              (local.set $q (i32.add (local.get $q) (i32.const 1)))
              (br_if $place (i32.lt_u (local.get $q) (local.get $take))))
            ;; Rotate the constants in front of the unvisited block, after the ones found before.
            (local.set $a (i32.add (local.get $nKnown) (local.get $nFound)))
            (local.set $U (i32.sub (i32.sub (local.get $fI) (local.get $take)) (local.get $a)))
            (local.set $i (local.get $a))
            (loop $rotate
              (call $swap (local.get $feats) (local.get $i) (i32.add (local.get $i) (local.get $U)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $rotate (i32.lt_s (local.get $i) (i32.add (local.get $a) (local.get $c)))))
            (local.set $nFound (i32.add (local.get $nFound) (local.get $c)))))
        (local.set $fI (i32.sub (local.get $fI) (i32.sub (local.get $take) (local.get $c))))
        (br $round)))
    (memory.copy (local.get $feats) (global.get $sKnown) (i32.shl (local.get $nKnown) (i32.const 2)))
    (memory.copy
      (i32.add (global.get $sKnown) (i32.shl (local.get $nKnown) (i32.const 2)))
      (i32.add (local.get $feats) (i32.shl (local.get $nKnown) (i32.const 2)))
      (i32.shl (local.get $nFound) (i32.const 2)))
    (i32.add (local.get $nKnown) (local.get $nFound)))

  ;; partition on codes for growSubtree: samples[start, start + m) split stably by whether
  ;; feature f's code is at most c; returns how many go left. Their targets' sum goes to 24
  ;; (two classes: how many are of class 1, counted as an integer; regression: summed in row
  ;; order) and, in regression, their sum of squares to 8, as partition leaves them.
  (func $partitionCodes (param $f i32) (param $start i32) (param $m i32) (param $c i32) (result i32)
    (local $p i32) (local $end i32) (local $l i32) (local $r i32) (local $s i32) (local $go i32)
    (local $col i32) (local $rs i32) (local $targets i32) (local $ones i32) (local $v f64) (local $sum f64)
    (local $sq f64) (local $smp i32) (local $scratch i32)
    (local.set $col (i32.add (global.get $sCodes) (i32.mul (local.get $f) (global.get $sCs))))
    (local.set $rs (global.get $sRs))
    (local.set $targets (global.get $sTargets))
    (local.set $scratch (global.get $sScratch))
    (local.set $smp (i32.add (global.get $sSamples) (i32.shl (local.get $start) (i32.const 2))))
    (local.set $p (local.get $smp))
    (local.set $l (local.get $smp))
    (local.set $r (local.get $scratch))
    (local.set $end (i32.add (local.get $smp) (i32.shl (local.get $m) (i32.const 2))))
    (if (global.get $sK)
      (then
        (loop $row
          (local.set $s (i32.load (local.get $p)))
          (local.set $go (i32.le_u
            (i32.and (global.get $mask) (i32.load16_u (i32.add (local.get $col) (i32.mul (local.get $s) (local.get $rs)))))
            (local.get $c)))
          (i32.store (local.get $l) (local.get $s))
          (i32.store (local.get $r) (local.get $s))
          (local.set $l (i32.add (local.get $l) (i32.shl (local.get $go) (i32.const 2))))
          (local.set $r (i32.add (local.get $r) (i32.shl (i32.xor (local.get $go) (i32.const 1)) (i32.const 2))))
          (local.set $ones (i32.add (local.get $ones) (i32.and (local.get $go)
            (i32.load8_u (i32.add (global.get $sLabels) (local.get $s))))))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (br_if $row (i32.lt_u (local.get $p) (local.get $end))))
        (local.set $sum (f64.convert_i32_u (local.get $ones))))
      (else
        (loop $rowReg
          (local.set $s (i32.load (local.get $p)))
          (local.set $go (i32.le_u
            (i32.and (global.get $mask) (i32.load16_u (i32.add (local.get $col) (i32.mul (local.get $s) (local.get $rs)))))
            (local.get $c)))
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
          (br_if $rowReg (i32.lt_u (local.get $p) (local.get $end))))))
    (memory.copy (local.get $l) (local.get $scratch) (i32.sub (local.get $r) (local.get $scratch)))
    (f64.store (i32.const 24) (local.get $sum))
    (f64.store (i32.const 8) (local.get $sq))
    (i32.shr_u (i32.sub (local.get $l) (local.get $smp)) (i32.const 2)))

  ;; Pushes a pending node: [start, end, depth, parent, isLeft, nKnown] and its stats (4 f64 from st).
  (func $push (param $start i32) (param $end i32) (param $depth i32) (param $parent i32) (param $isLeft i32)
    (param $st i32) (param $nKnown i32)
    (local $e i32)
    (local.set $e (i32.add (global.get $sStack) (i32.shl (global.get $sp) (i32.const 6))))
    (global.set $sp (i32.add (global.get $sp) (i32.const 1)))
    (i32.store offset=0 (local.get $e) (local.get $start))
    (i32.store offset=4 (local.get $e) (local.get $end))
    (i32.store offset=8 (local.get $e) (local.get $depth))
    (i32.store offset=12 (local.get $e) (local.get $parent))
    (i32.store offset=16 (local.get $e) (local.get $isLeft))
    (i32.store offset=20 (local.get $e) (local.get $nKnown))
    (memory.copy (i32.add (local.get $e) (i32.const 32)) (local.get $st) (i32.const 32)))

  ;; The grower's processNode on a popped node whose stats are at tmp[0, 32).
  (func $processNode (param $start i32) (param $end i32) (param $depth i32) (param $parent i32)
    (param $isLeft i32) (param $nKnown i32)
    (local $id i32) (local $count i32) (local $imp f64) (local $leaf i32) (local $nConst i32)
    (local $st i32) (local $L i32) (local $R i32) (local $cnt i32) (local $mid i32) (local $cntF f64)
    (local $sum f64) (local $decrease f64) (local $W f64) (local $li i32) (local $p i32)
    (local.set $st (global.get $sTmp))
    (local.set $L (i32.add (local.get $st) (i32.const 32)))
    (local.set $R (i32.add (local.get $st) (i32.const 64)))
    (local.set $id (global.get $nNodes))
    (global.set $nNodes (i32.add (local.get $id) (i32.const 1)))
    (if (i32.ge_s (local.get $parent) (i32.const 0))
      (then
        (i32.store
          (i32.add (select (global.get $sNodeL) (global.get $sNodeR) (local.get $isLeft)) (i32.shl (local.get $parent) (i32.const 2)))
          (local.get $id))))
    (local.set $count (i32.sub (local.get $end) (local.get $start)))
    (local.set $imp (call $impurity (local.get $st)))
    (local.set $leaf
      (i32.or
        (i32.or (i32.lt_s (local.get $count) (global.get $sMinSplit))
          (i32.lt_s (local.get $count) (i32.shl (global.get $sMinLeaf) (i32.const 1))))
        (i32.or (i32.ge_s (local.get $depth) (global.get $sMaxDepth))
          (f64.le (local.get $imp) (f64.const 2.220446049250313e-16)))))
    (local.set $nConst (local.get $nKnown))
    (if (i32.eqz (local.get $leaf))
      (then
        (local.set $nConst (call $findSplit (local.get $start) (local.get $count) (local.get $st) (local.get $nKnown)))
        (local.set $leaf (i32.lt_s (global.get $bFeature) (i32.const 0)))))
    (if (i32.eqz (local.get $leaf))
      (then
        (local.set $cnt
          (if (result i32) (global.get $sN8)
            (then
              (call $partition
                (i32.add (global.get $sCodes) (i32.mul (global.get $bFeature) (global.get $sN8)))
                (i32.const 0)
                (i32.add (global.get $sSamples) (i32.shl (local.get $start) (i32.const 2)))
                (local.get $count)
                (global.get $bThr)
                (global.get $sTargets)
                (global.get $sScratch)))
            (else
              (call $partitionCodes (global.get $bFeature) (local.get $start) (local.get $count) (global.get $bBin)))))
        (local.set $mid (i32.add (local.get $start) (local.get $cnt)))
        (local.set $cntF (f64.convert_i32_u (local.get $cnt)))
        (local.set $sum (f64.load (i32.const 24)))
        (f64.store (local.get $L) (local.get $cntF))
        (f64.store offset=8 (local.get $L) (local.get $cntF))
        (if (global.get $sK)
          (then
            (f64.store offset=16 (local.get $L) (f64.sub (local.get $cntF) (local.get $sum)))
            (f64.store offset=24 (local.get $L) (local.get $sum)))
          (else
            (f64.store offset=16 (local.get $L) (local.get $sum))
            (f64.store offset=24 (local.get $L) (f64.load (i32.const 8)))))
        (f64.store (local.get $R) (f64.sub (f64.load (local.get $st)) (f64.load (local.get $L))))
        (f64.store offset=8 (local.get $R) (f64.convert_i32_u (i32.sub (local.get $end) (local.get $mid))))
        (f64.store offset=16 (local.get $R) (f64.sub (f64.load offset=16 (local.get $st)) (f64.load offset=16 (local.get $L))))
        (f64.store offset=24 (local.get $R) (f64.sub (f64.load offset=24 (local.get $st)) (f64.load offset=24 (local.get $L))))
        (local.set $decrease
          (f64.sub
            (f64.sub (f64.mul (f64.load (local.get $st)) (local.get $imp))
              (f64.mul (f64.load (local.get $L)) (call $impurity (local.get $L))))
            (f64.mul (f64.load (local.get $R)) (call $impurity (local.get $R)))))
        (if (i32.eqz
              (i32.or
                (f64.lt (f64.add (f64.div (local.get $decrease) (global.get $sRootW)) (f64.const 2.220446049250313e-16))
                  (global.get $sMinDec))
                (i32.or (i32.eq (local.get $mid) (local.get $start)) (i32.eq (local.get $mid) (local.get $end)))))
          (then
            (i32.store (i32.add (global.get $sNodeF) (i32.shl (local.get $id) (i32.const 2))) (global.get $bFeature))
            (f64.store (i32.add (global.get $sNodeT) (i32.shl (local.get $id) (i32.const 3))) (global.get $bThr))
            (local.set $p (i32.add (global.get $sImp) (i32.shl (global.get $bFeature) (i32.const 3))))
            (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (local.get $decrease)))
            ;; Right pushed first so the left subtree is grown (and numbered) first.
            (call $push (local.get $mid) (local.get $end) (i32.add (local.get $depth) (i32.const 1)) (local.get $id)
              (i32.const 0) (local.get $R) (local.get $nConst))
            (call $push (local.get $start) (local.get $mid) (i32.add (local.get $depth) (i32.const 1)) (local.get $id)
              (i32.const 1) (local.get $L) (local.get $nConst))
            (return)))))
    (i32.store (i32.add (global.get $sNodeF) (i32.shl (local.get $id) (i32.const 2))) (i32.const -1))
    (f64.store (i32.add (global.get $sNodeT) (i32.shl (local.get $id) (i32.const 3))) (f64.const 0))
    (i32.store (i32.add (global.get $sNodeR) (i32.shl (local.get $id) (i32.const 2))) (i32.const -1))
    (local.set $li (global.get $nLeaves))
    (global.set $nLeaves (i32.add (local.get $li) (i32.const 1)))
    (i32.store (i32.add (global.get $sNodeL) (i32.shl (local.get $id) (i32.const 2))) (local.get $li))
    (local.set $W (f64.load (local.get $st)))
    (if (global.get $sK)
      (then
        (local.set $p (i32.add (global.get $sLeafV) (i32.shl (local.get $li) (i32.const 4))))
        (f64.store (local.get $p) (f64.div (f64.load offset=16 (local.get $st)) (local.get $W)))
        (f64.store offset=8 (local.get $p) (f64.div (f64.load offset=24 (local.get $st)) (local.get $W))))
      (else
        (f64.store (i32.add (global.get $sLeafV) (i32.shl (local.get $li) (i32.const 3)))
          (f64.div (f64.load offset=16 (local.get $st)) (local.get $W))))))

  ;; Grows the subtree of the node samples[start, end) at depth, nKnown features known
  ;; constant, stats at st (4 f64): nodes numbered from 0 in the grower's order (into nodeF,
  ;; nodeT, nodeL, nodeR: a leaf's nodeL is its leaf number, its values in leafV). Returns
  ;; how many nodes; how many leaves at byte 36.
  (func (export "growSubtree") (param $start i32) (param $end i32) (param $depth i32) (param $nKnown i32)
    (param $st i32) (result i32)
    (local $e i32)
    (global.set $nNodes (i32.const 0))
    (global.set $nLeaves (i32.const 0))
    (global.set $sp (i32.const 0))
    (call $push (local.get $start) (local.get $end) (local.get $depth) (i32.const -1) (i32.const 0)
      (local.get $st) (local.get $nKnown))
    (block $done
      (loop $pop
        (br_if $done (i32.eqz (global.get $sp)))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 1)))
        (local.set $e (i32.add (global.get $sStack) (i32.shl (global.get $sp) (i32.const 6))))
        (memory.copy (global.get $sTmp) (i32.add (local.get $e) (i32.const 32)) (i32.const 32))
        (call $processNode
          (i32.load offset=0 (local.get $e))
          (i32.load offset=4 (local.get $e))
          (i32.load offset=8 (local.get $e))
          (i32.load offset=12 (local.get $e))
          (i32.load offset=16 (local.get $e))
          (i32.load offset=20 (local.get $e)))
        (br $pop)))
    (i32.store (i32.const 36) (global.get $nLeaves))
    (global.get $nNodes))
)

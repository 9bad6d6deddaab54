;; Extra trees' two passes over a node's rows on values (value-passes.ts): gathering one
;; feature's values with their min and max, and counting the rows at or below a threshold
;; with their targets. Offsets are in bytes. Results go to the first bytes of memory:
;; min at 0, max at 8, count at 16, sum at 24. The counts keep the JavaScript order of
;; additions (sums per block of 256 rows, then added up), so trees do not change by a bit.
(module
  (memory (export "memory") 1)

  ;; xs[i] = col[rows[i]] for i < m; min and max of them.
  (func (export "gather") (param $col i32) (param $rows i32) (param $m i32) (param $xs i32)
    (local $x f64) (local $lo f64) (local $hi f64) (local $end i32)
    (local.set $lo (f64.const inf))
    (local.set $hi (f64.const -inf))
    (local.set $end (i32.add (local.get $rows) (i32.shl (local.get $m) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $rows) (local.get $end)))
      (loop $row
        (local.set $x
          (f64.load (i32.add (local.get $col) (i32.shl (i32.load (local.get $rows)) (i32.const 3)))))
        (f64.store (local.get $xs) (local.get $x))
        (local.set $lo (select (local.get $x) (local.get $lo) (f64.lt (local.get $x) (local.get $lo))))
        (local.set $hi (select (local.get $x) (local.get $hi) (f64.gt (local.get $x) (local.get $hi))))
        (local.set $rows (i32.add (local.get $rows) (i32.const 4)))
        (local.set $xs (i32.add (local.get $xs) (i32.const 8)))
        (br_if $row (i32.lt_u (local.get $rows) (local.get $end)))))
    (f64.store (i32.const 0) (local.get $lo))
    (f64.store (i32.const 8) (local.get $hi)))

  ;; Rows with xs[i] <= t: how many, and the sum of their y (summed per block of 256 rows).
  (func (export "countSum") (param $xs i32) (param $y i32) (param $m i32) (param $t f64)
    (local $end i32) (local $blockEnd i32) (local $l f64)
    (local $c f64) (local $s f64) (local $bc f64) (local $bs f64)
    (local.set $end (i32.add (local.get $xs) (i32.shl (local.get $m) (i32.const 3))))
    (block $done
      (br_if $done (i32.ge_u (local.get $xs) (local.get $end)))
      (loop $block
        (local.set $blockEnd (i32.add (local.get $xs) (i32.const 2048)))
        (if (i32.gt_u (local.get $blockEnd) (local.get $end)) (then (local.set $blockEnd (local.get $end))))
        (local.set $bc (f64.const 0))
        (local.set $bs (f64.const 0))
        (loop $row
          (local.set $l (f64.convert_i32_u (f64.le (f64.load (local.get $xs)) (local.get $t))))
          (local.set $bc (f64.add (local.get $bc) (local.get $l)))
          (local.set $bs (f64.add (local.get $bs) (f64.mul (local.get $l) (f64.load (local.get $y)))))
          (local.set $xs (i32.add (local.get $xs) (i32.const 8)))
          (local.set $y (i32.add (local.get $y) (i32.const 8)))
          (br_if $row (i32.lt_u (local.get $xs) (local.get $blockEnd))))
        (local.set $c (f64.add (local.get $c) (local.get $bc)))
        (local.set $s (f64.add (local.get $s) (local.get $bs)))
        (br_if $block (i32.lt_u (local.get $xs) (local.get $end)))))
    (f64.store (i32.const 16) (local.get $c))
    (f64.store (i32.const 24) (local.get $s)))

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
)

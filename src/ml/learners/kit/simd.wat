;; Dot products with 128-bit SIMD (two f64 lanes, two accumulators), for the k-NN and SVM
;; kernels of Neutrino (src/ml/learners/kit/simd.ts). Rows are row-major f64, d per row;
;; offsets are in bytes. The dot loop is written out in each export on purpose: a call per row
;; costs about as much as a 30-term dot product.
(module
  (memory (export "memory") 1)

  ;; out[t] = dot(row at $pa, row rows[t] of the matrix at $xOff), t < $m (rows: i32 at $rOff)
  (func (export "dotsIdx") (param $xOff i32) (param $pa i32) (param $rOff i32) (param $m i32) (param $d i32) (param $oOff i32)
    (local $t i32) (local $rowBytes i32) (local $pb i32) (local $j i32) (local $o i32) (local $d4 i32) (local $acc0 v128) (local $acc1 v128) (local $s f64)
    (local.set $rowBytes (i32.shl (local.get $d) (i32.const 3)))
    (local.set $d4 (i32.and (local.get $d) (i32.const -4)))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $t) (local.get $m)))
      (local.set $pb (i32.add (local.get $xOff)
        (i32.mul (i32.load (i32.add (local.get $rOff) (i32.shl (local.get $t) (i32.const 2)))) (local.get $rowBytes))))
      
      ;; $s = dot($pa, $pb) over $d doubles: two f64x2 accumulators, then a scalar tail
      (local.set $j (i32.const 0))
      (local.set $acc0 (f64x2.splat (f64.const 0)))
      (local.set $acc1 (f64x2.splat (f64.const 0)))
      (block $vd (loop $vec
        (br_if $vd (i32.ge_u (local.get $j) (local.get $d4)))
        (local.set $o (i32.shl (local.get $j) (i32.const 3)))
        (local.set $acc0 (f64x2.add (local.get $acc0) (f64x2.mul
          (v128.load (i32.add (local.get $pa) (local.get $o)))
          (v128.load (i32.add (local.get $pb) (local.get $o))))))
        (local.set $acc1 (f64x2.add (local.get $acc1) (f64x2.mul
          (v128.load offset=16 (i32.add (local.get $pa) (local.get $o)))
          (v128.load offset=16 (i32.add (local.get $pb) (local.get $o))))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $vec)))
      (local.set $acc0 (f64x2.add (local.get $acc0) (local.get $acc1)))
      (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $acc0)) (f64x2.extract_lane 1 (local.get $acc0))))
      (block $td (loop $tail
        (br_if $td (i32.ge_u (local.get $j) (local.get $d)))
        (local.set $o (i32.shl (local.get $j) (i32.const 3)))
        (local.set $s (f64.add (local.get $s) (f64.mul
          (f64.load (i32.add (local.get $pa) (local.get $o)))
          (f64.load (i32.add (local.get $pb) (local.get $o))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $tail)))
      (f64.store (i32.add (local.get $oOff) (i32.shl (local.get $t) (i32.const 3))) (local.get $s))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $rows))))

  ;; out[t] = dot(row at $pa, row t of the $m contiguous rows at $pOff)
  (func (export "dotsSeq") (param $pa i32) (param $pOff i32) (param $m i32) (param $d i32) (param $oOff i32)
    (local $t i32) (local $rowBytes i32) (local $pb i32) (local $j i32) (local $o i32) (local $d4 i32) (local $acc0 v128) (local $acc1 v128) (local $s f64)
    (local.set $rowBytes (i32.shl (local.get $d) (i32.const 3)))
    (local.set $d4 (i32.and (local.get $d) (i32.const -4)))
    (local.set $pb (local.get $pOff))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $t) (local.get $m)))
      
      ;; $s = dot($pa, $pb) over $d doubles: two f64x2 accumulators, then a scalar tail
      (local.set $j (i32.const 0))
      (local.set $acc0 (f64x2.splat (f64.const 0)))
      (local.set $acc1 (f64x2.splat (f64.const 0)))
      (block $vd (loop $vec
        (br_if $vd (i32.ge_u (local.get $j) (local.get $d4)))
        (local.set $o (i32.shl (local.get $j) (i32.const 3)))
        (local.set $acc0 (f64x2.add (local.get $acc0) (f64x2.mul
          (v128.load (i32.add (local.get $pa) (local.get $o)))
          (v128.load (i32.add (local.get $pb) (local.get $o))))))
        (local.set $acc1 (f64x2.add (local.get $acc1) (f64x2.mul
          (v128.load offset=16 (i32.add (local.get $pa) (local.get $o)))
          (v128.load offset=16 (i32.add (local.get $pb) (local.get $o))))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $vec)))
      (local.set $acc0 (f64x2.add (local.get $acc0) (local.get $acc1)))
      (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $acc0)) (f64x2.extract_lane 1 (local.get $acc0))))
      (block $td (loop $tail
        (br_if $td (i32.ge_u (local.get $j) (local.get $d)))
        (local.set $o (i32.shl (local.get $j) (i32.const 3)))
        (local.set $s (f64.add (local.get $s) (f64.mul
          (f64.load (i32.add (local.get $pa) (local.get $o)))
          (f64.load (i32.add (local.get $pb) (local.get $o))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $tail)))
      (f64.store (i32.add (local.get $oOff) (i32.shl (local.get $t) (i32.const 3))) (local.get $s))
      (local.set $pb (i32.add (local.get $pb) (local.get $rowBytes)))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $rows))))

  ;; Squared distances |q|² + |x|² - 2 q·x from the vector at $pa to the $m contiguous rows at
  ;; $pOff (their squared norms: f64 at $nOff), keeping those below $worst: their positions
  ;; (i32 at $iOff) and distances (f64 at $vOff). Returns how many were kept.
  (func (export "nearSeq") (param $pa i32) (param $pOff i32) (param $m i32) (param $d i32) (param $nOff i32)
      (param $qn f64) (param $worst f64) (param $iOff i32) (param $vOff i32) (result i32)
    (local $t i32) (local $rowBytes i32) (local $pb i32) (local $j i32) (local $o i32) (local $d4 i32) (local $acc0 v128) (local $acc1 v128) (local $s f64) (local $c i32)
    (local.set $rowBytes (i32.shl (local.get $d) (i32.const 3)))
    (local.set $d4 (i32.and (local.get $d) (i32.const -4)))
    (local.set $pb (local.get $pOff))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $t) (local.get $m)))
      
      ;; $s = dot($pa, $pb) over $d doubles: two f64x2 accumulators, then a scalar tail
      (local.set $j (i32.const 0))
      (local.set $acc0 (f64x2.splat (f64.const 0)))
      (local.set $acc1 (f64x2.splat (f64.const 0)))
      (block $vd (loop $vec
        (br_if $vd (i32.ge_u (local.get $j) (local.get $d4)))
        (local.set $o (i32.shl (local.get $j) (i32.const 3)))
        (local.set $acc0 (f64x2.add (local.get $acc0) (f64x2.mul
          (v128.load (i32.add (local.get $pa) (local.get $o)))
          (v128.load (i32.add (local.get $pb) (local.get $o))))))
        (local.set $acc1 (f64x2.add (local.get $acc1) (f64x2.mul
          (v128.load offset=16 (i32.add (local.get $pa) (local.get $o)))
          (v128.load offset=16 (i32.add (local.get $pb) (local.get $o))))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $vec)))
      (local.set $acc0 (f64x2.add (local.get $acc0) (local.get $acc1)))
      (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $acc0)) (f64x2.extract_lane 1 (local.get $acc0))))
      (block $td (loop $tail
        (br_if $td (i32.ge_u (local.get $j) (local.get $d)))
        (local.set $o (i32.shl (local.get $j) (i32.const 3)))
        (local.set $s (f64.add (local.get $s) (f64.mul
          (f64.load (i32.add (local.get $pa) (local.get $o)))
          (f64.load (i32.add (local.get $pb) (local.get $o))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $tail)))
      (local.set $s (f64.sub
        (f64.add (local.get $qn) (f64.load (i32.add (local.get $nOff) (i32.shl (local.get $t) (i32.const 3)))))
        (f64.mul (f64.const 2) (local.get $s))))
      (if (f64.lt (local.get $s) (local.get $worst))
        (then
          (i32.store (i32.add (local.get $iOff) (i32.shl (local.get $c) (i32.const 2))) (local.get $t))
          (f64.store (i32.add (local.get $vOff) (i32.shl (local.get $c) (i32.const 3))) (local.get $s))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))))
      (local.set $pb (i32.add (local.get $pb) (local.get $rowBytes)))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $rows)))
    (local.get $c))
)

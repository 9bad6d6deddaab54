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

  ;; First pass of exact k-NN search in f32 (four lanes): squared distances from quads of queries
  ;; to octets of points, keeping every pair that could be nearer than its query's threshold.
  ;; Queries: $nq quads, quad-interleaved f32 (quad g, dimension j, query t at $q + 16 (g d + j) + 4 t).
  ;; Points: $nb octets, octet-interleaved f32 (octet o, dimension j, point l at $p + 32 (o d + j) + 4 l),
  ;; their squared norms (f32 at $xn) and norms (f32 at $xs). Per query: threshold (f32 at $thr)
  ;; and norm (f32 at $qs). A pair is kept when |x|² - 2 q·x - $c (|q| + |x|)² < threshold; it
  ;; is written as two i32 at $out (query index, point index) in order of point octets for
  ;; each quad. Returns how many pairs were kept. Four queries by eight points share each load:
  ;; eight f32x4 accumulators.
  (func (export "nearQuads") (param $q i32) (param $nq i32) (param $d i32) (param $p i32) (param $nb i32)
      (param $xn i32) (param $xs i32) (param $thr i32) (param $qs i32) (param $c f32) (param $out i32) (result i32)
    (local $g i32) (local $o i32) (local $qa i32) (local $pb i32) (local $qj i32) (local $pj i32) (local $end i32)
    (local $octBytes i32) (local $quadBytes i32) (local $cnt i32) (local $mask i32) (local $base i32)
    (local $x0 v128) (local $x1 v128) (local $u v128) (local $cv v128)
    (local $n0 v128) (local $n1 v128) (local $s0 v128) (local $s1 v128) (local $v0 v128) (local $v1 v128) (local $th v128)
    (local $a00 v128) (local $a01 v128)
    (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128)
    (local $a30 v128) (local $a31 v128)
    (local.set $octBytes (i32.shl (local.get $d) (i32.const 5)))
    (local.set $quadBytes (i32.shl (local.get $d) (i32.const 4)))
    (local.set $cv (f32x4.splat (local.get $c)))
    (local.set $qa (local.get $q))
    (block $qdone (loop $quads
      (br_if $qdone (i32.ge_u (local.get $g) (local.get $nq)))
      (local.set $o (i32.const 0))
      (local.set $pb (local.get $p))
      (block $odone (loop $octs
        (br_if $odone (i32.ge_u (local.get $o) (local.get $nb)))
        (local.set $a00 (v128.const i32x4 0 0 0 0))
        (local.set $a01 (v128.const i32x4 0 0 0 0))
        (local.set $a10 (v128.const i32x4 0 0 0 0))
        (local.set $a11 (v128.const i32x4 0 0 0 0))
        (local.set $a20 (v128.const i32x4 0 0 0 0))
        (local.set $a21 (v128.const i32x4 0 0 0 0))
        (local.set $a30 (v128.const i32x4 0 0 0 0))
        (local.set $a31 (v128.const i32x4 0 0 0 0))
        (local.set $qj (local.get $qa))
        (local.set $pj (local.get $pb))
        (local.set $end (i32.add (local.get $pb) (local.get $octBytes)))
        (loop $dims
          (local.set $x0 (v128.load (local.get $pj)))
          (local.set $x1 (v128.load offset=16 (local.get $pj)))
          (local.set $u (v128.load32_splat offset=0 (local.get $qj)))
          (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $u) (local.get $x0))))
          (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $u) (local.get $x1))))
          (local.set $u (v128.load32_splat offset=4 (local.get $qj)))
          (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $u) (local.get $x0))))
          (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $u) (local.get $x1))))
          (local.set $u (v128.load32_splat offset=8 (local.get $qj)))
          (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $u) (local.get $x0))))
          (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $u) (local.get $x1))))
          (local.set $u (v128.load32_splat offset=12 (local.get $qj)))
          (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $u) (local.get $x0))))
          (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $u) (local.get $x1))))
          (local.set $pj (i32.add (local.get $pj) (i32.const 32)))
          (local.set $qj (i32.add (local.get $qj) (i32.const 16)))
          (br_if $dims (i32.lt_u (local.get $pj) (local.get $end))))
        (local.set $base (i32.shl (local.get $o) (i32.const 5)))
        (local.set $n0 (v128.load (i32.add (local.get $xn) (local.get $base))))
        (local.set $n1 (v128.load offset=16 (i32.add (local.get $xn) (local.get $base))))
        (local.set $s0 (v128.load (i32.add (local.get $xs) (local.get $base))))
        (local.set $s1 (v128.load offset=16 (i32.add (local.get $xs) (local.get $base))))
        ;; query 0 of the quad
        (local.set $u (v128.load32_splat offset=0 (i32.add (local.get $qs) (i32.shl (local.get $g) (i32.const 4)))))
        (local.set $th (v128.load32_splat offset=0 (i32.add (local.get $thr) (i32.shl (local.get $g) (i32.const 4)))))
        (local.set $v0 (f32x4.add (local.get $u) (local.get $s0)))
        (local.set $v1 (f32x4.add (local.get $u) (local.get $s1)))
        (local.set $v0 (f32x4.sub (f32x4.sub (local.get $n0) (f32x4.add (local.get $a00) (local.get $a00)))
          (f32x4.mul (local.get $cv) (f32x4.mul (local.get $v0) (local.get $v0)))))
        (local.set $v1 (f32x4.sub (f32x4.sub (local.get $n1) (f32x4.add (local.get $a01) (local.get $a01)))
          (f32x4.mul (local.get $cv) (f32x4.mul (local.get $v1) (local.get $v1)))))
        (local.set $v0 (f32x4.lt (local.get $v0) (local.get $th)))
        (local.set $v1 (f32x4.lt (local.get $v1) (local.get $th)))
        (if (v128.any_true (v128.or (local.get $v0) (local.get $v1)))
          (then
            (local.set $mask (i32.or (i32x4.bitmask (local.get $v0)) (i32.shl (i32x4.bitmask (local.get $v1)) (i32.const 4))))
            (loop $bits
              (i32.store (i32.add (local.get $out) (i32.shl (local.get $cnt) (i32.const 3)))
                (i32.add (i32.shl (local.get $g) (i32.const 2)) (i32.const 0)))
              (i32.store offset=4 (i32.add (local.get $out) (i32.shl (local.get $cnt) (i32.const 3)))
                (i32.add (i32.shl (local.get $o) (i32.const 3)) (i32.ctz (local.get $mask))))
              (local.set $cnt (i32.add (local.get $cnt) (i32.const 1)))
              (local.set $mask (i32.and (local.get $mask) (i32.sub (local.get $mask) (i32.const 1))))
              (br_if $bits (local.get $mask)))))
        ;; query 1 of the quad
        (local.set $u (v128.load32_splat offset=4 (i32.add (local.get $qs) (i32.shl (local.get $g) (i32.const 4)))))
        (local.set $th (v128.load32_splat offset=4 (i32.add (local.get $thr) (i32.shl (local.get $g) (i32.const 4)))))
        (local.set $v0 (f32x4.add (local.get $u) (local.get $s0)))
        (local.set $v1 (f32x4.add (local.get $u) (local.get $s1)))
        (local.set $v0 (f32x4.sub (f32x4.sub (local.get $n0) (f32x4.add (local.get $a10) (local.get $a10)))
          (f32x4.mul (local.get $cv) (f32x4.mul (local.get $v0) (local.get $v0)))))
        (local.set $v1 (f32x4.sub (f32x4.sub (local.get $n1) (f32x4.add (local.get $a11) (local.get $a11)))
          (f32x4.mul (local.get $cv) (f32x4.mul (local.get $v1) (local.get $v1)))))
        (local.set $v0 (f32x4.lt (local.get $v0) (local.get $th)))
        (local.set $v1 (f32x4.lt (local.get $v1) (local.get $th)))
        (if (v128.any_true (v128.or (local.get $v0) (local.get $v1)))
          (then
            (local.set $mask (i32.or (i32x4.bitmask (local.get $v0)) (i32.shl (i32x4.bitmask (local.get $v1)) (i32.const 4))))
            (loop $bits
              (i32.store (i32.add (local.get $out) (i32.shl (local.get $cnt) (i32.const 3)))
                (i32.add (i32.shl (local.get $g) (i32.const 2)) (i32.const 1)))
              (i32.store offset=4 (i32.add (local.get $out) (i32.shl (local.get $cnt) (i32.const 3)))
                (i32.add (i32.shl (local.get $o) (i32.const 3)) (i32.ctz (local.get $mask))))
              (local.set $cnt (i32.add (local.get $cnt) (i32.const 1)))
              (local.set $mask (i32.and (local.get $mask) (i32.sub (local.get $mask) (i32.const 1))))
              (br_if $bits (local.get $mask)))))
        ;; query 2 of the quad
        (local.set $u (v128.load32_splat offset=8 (i32.add (local.get $qs) (i32.shl (local.get $g) (i32.const 4)))))
        (local.set $th (v128.load32_splat offset=8 (i32.add (local.get $thr) (i32.shl (local.get $g) (i32.const 4)))))
        (local.set $v0 (f32x4.add (local.get $u) (local.get $s0)))
        (local.set $v1 (f32x4.add (local.get $u) (local.get $s1)))
        (local.set $v0 (f32x4.sub (f32x4.sub (local.get $n0) (f32x4.add (local.get $a20) (local.get $a20)))
          (f32x4.mul (local.get $cv) (f32x4.mul (local.get $v0) (local.get $v0)))))
        (local.set $v1 (f32x4.sub (f32x4.sub (local.get $n1) (f32x4.add (local.get $a21) (local.get $a21)))
          (f32x4.mul (local.get $cv) (f32x4.mul (local.get $v1) (local.get $v1)))))
        (local.set $v0 (f32x4.lt (local.get $v0) (local.get $th)))
        (local.set $v1 (f32x4.lt (local.get $v1) (local.get $th)))
        (if (v128.any_true (v128.or (local.get $v0) (local.get $v1)))
          (then
            (local.set $mask (i32.or (i32x4.bitmask (local.get $v0)) (i32.shl (i32x4.bitmask (local.get $v1)) (i32.const 4))))
            (loop $bits
              (i32.store (i32.add (local.get $out) (i32.shl (local.get $cnt) (i32.const 3)))
                (i32.add (i32.shl (local.get $g) (i32.const 2)) (i32.const 2)))
              (i32.store offset=4 (i32.add (local.get $out) (i32.shl (local.get $cnt) (i32.const 3)))
                (i32.add (i32.shl (local.get $o) (i32.const 3)) (i32.ctz (local.get $mask))))
              (local.set $cnt (i32.add (local.get $cnt) (i32.const 1)))
              (local.set $mask (i32.and (local.get $mask) (i32.sub (local.get $mask) (i32.const 1))))
              (br_if $bits (local.get $mask)))))
        ;; query 3 of the quad
        (local.set $u (v128.load32_splat offset=12 (i32.add (local.get $qs) (i32.shl (local.get $g) (i32.const 4)))))
        (local.set $th (v128.load32_splat offset=12 (i32.add (local.get $thr) (i32.shl (local.get $g) (i32.const 4)))))
        (local.set $v0 (f32x4.add (local.get $u) (local.get $s0)))
        (local.set $v1 (f32x4.add (local.get $u) (local.get $s1)))
        (local.set $v0 (f32x4.sub (f32x4.sub (local.get $n0) (f32x4.add (local.get $a30) (local.get $a30)))
          (f32x4.mul (local.get $cv) (f32x4.mul (local.get $v0) (local.get $v0)))))
        (local.set $v1 (f32x4.sub (f32x4.sub (local.get $n1) (f32x4.add (local.get $a31) (local.get $a31)))
          (f32x4.mul (local.get $cv) (f32x4.mul (local.get $v1) (local.get $v1)))))
        (local.set $v0 (f32x4.lt (local.get $v0) (local.get $th)))
        (local.set $v1 (f32x4.lt (local.get $v1) (local.get $th)))
        (if (v128.any_true (v128.or (local.get $v0) (local.get $v1)))
          (then
            (local.set $mask (i32.or (i32x4.bitmask (local.get $v0)) (i32.shl (i32x4.bitmask (local.get $v1)) (i32.const 4))))
            (loop $bits
              (i32.store (i32.add (local.get $out) (i32.shl (local.get $cnt) (i32.const 3)))
                (i32.add (i32.shl (local.get $g) (i32.const 2)) (i32.const 3)))
              (i32.store offset=4 (i32.add (local.get $out) (i32.shl (local.get $cnt) (i32.const 3)))
                (i32.add (i32.shl (local.get $o) (i32.const 3)) (i32.ctz (local.get $mask))))
              (local.set $cnt (i32.add (local.get $cnt) (i32.const 1)))
              (local.set $mask (i32.and (local.get $mask) (i32.sub (local.get $mask) (i32.const 1))))
              (br_if $bits (local.get $mask)))))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (local.set $pb (i32.add (local.get $pb) (local.get $octBytes)))
        (br $octs)))
      (local.set $g (i32.add (local.get $g) (i32.const 1)))
      (local.set $qa (i32.add (local.get $qa) (local.get $quadBytes)))
      (br $quads)))
    (local.get $cnt))
)

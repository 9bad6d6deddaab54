;; The two passes of logistic regression's objective over the data (logistic-wasm.ts): the
;; scores Z = X Wᵀ + b and the gradient's G = Rᵀ X, in 128-bit SIMD. X is row-major n x d,
;; W and G row-major K x d, Z and R row-major n x K; offsets in bytes. The caller pads d to
;; an even number of columns and n to a multiple of four rows, with zeros, so that two
;; columns go in a vector's lanes and four rows share each load of W (scores) or of G
;; (gradient). The loss and residuals between the passes (exp, log) stay in JavaScript.
;; Assembled and inlined as base64 in logistic-wasm.ts (`npx -p wabt wat2wasm logistic.wat
;; -o logistic.wasm && base64 -w0 logistic.wasm`).
(module
  (import "env" "memory" (memory 1))

  (func $hsum (param $v v128) (result f64)
    (f64.add (f64x2.extract_lane 0 (local.get $v)) (f64x2.extract_lane 1 (local.get $v))))

  ;; Z[t][k] = b[k] + X[t] · W[k]: rows by four, each output's weights loaded once for them,
  ;; outputs by two.
  (func (export "scores") (param $X i32) (param $n i32) (param $d i32) (param $W i32) (param $b i32) (param $K i32) (param $Z i32)
    (local $t i32) (local $k i32) (local $j i32) (local $d8 i32) (local $K8 i32) (local $row i32) (local $wk i32)
    (local $x i32) (local $z i32) (local $wv v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $bk f64) (local $bk2 f64) (local $wv2 v128) (local $xv v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local.set $d8 (i32.shl (local.get $d) (i32.const 3)))
    (local.set $K8 (i32.shl (local.get $K) (i32.const 3)))
    (block $rowsDone
      (br_if $rowsDone (i32.eqz (local.get $n)))
      (loop $rows
        (local.set $row (i32.add (local.get $X) (i32.mul (local.get $t) (local.get $d8))))
        (local.set $k (i32.const 0))
        ;; Two outputs at a time while two are left: each load of X serves both (the same
        ;; sums, each in its own accumulator in the same order).
        (block $pairsDone
          (loop $outputPairs
            (br_if $pairsDone (i32.gt_u (i32.add (local.get $k) (i32.const 2)) (local.get $K)))
            (local.set $wk (i32.add (local.get $W) (i32.mul (local.get $k) (local.get $d8))))
            (local.set $a0 (v128.const i64x2 0 0))
            (local.set $a1 (local.get $a0))
            (local.set $a2 (local.get $a0))
            (local.set $a3 (local.get $a0))
            (local.set $c0 (local.get $a0))
            (local.set $c1 (local.get $a0))
            (local.set $c2 (local.get $a0))
            (local.set $c3 (local.get $a0))
            (local.set $j (i32.const 0))
            (loop $pair2
              (local.set $wv (v128.load (i32.add (local.get $wk) (local.get $j))))
              (local.set $wv2 (v128.load (i32.add (i32.add (local.get $wk) (local.get $d8)) (local.get $j))))
              (local.set $x (i32.add (local.get $row) (local.get $j)))
              (local.set $xv (v128.load (local.get $x)))
              (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $wv) (local.get $xv))))
              (local.set $c0 (f64x2.add (local.get $c0) (f64x2.mul (local.get $wv2) (local.get $xv))))
              (local.set $x (i32.add (local.get $x) (local.get $d8)))
              (local.set $xv (v128.load (local.get $x)))
              (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $wv) (local.get $xv))))
              (local.set $c1 (f64x2.add (local.get $c1) (f64x2.mul (local.get $wv2) (local.get $xv))))
              (local.set $x (i32.add (local.get $x) (local.get $d8)))
              (local.set $xv (v128.load (local.get $x)))
              (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $wv) (local.get $xv))))
              (local.set $c2 (f64x2.add (local.get $c2) (f64x2.mul (local.get $wv2) (local.get $xv))))
              (local.set $x (i32.add (local.get $x) (local.get $d8)))
              (local.set $xv (v128.load (local.get $x)))
              (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $wv) (local.get $xv))))
              (local.set $c3 (f64x2.add (local.get $c3) (f64x2.mul (local.get $wv2) (local.get $xv))))
              (local.set $j (i32.add (local.get $j) (i32.const 16)))
              (br_if $pair2 (i32.lt_u (local.get $j) (local.get $d8))))
            (local.set $bk (f64.load (i32.add (local.get $b) (i32.shl (local.get $k) (i32.const 3)))))
            (local.set $bk2 (f64.load offset=8 (i32.add (local.get $b) (i32.shl (local.get $k) (i32.const 3)))))
            (local.set $z (i32.add (local.get $Z) (i32.add (i32.mul (local.get $t) (local.get $K8)) (i32.shl (local.get $k) (i32.const 3)))))
            (f64.store (local.get $z) (f64.add (local.get $bk) (call $hsum (local.get $a0))))
            (f64.store offset=8 (local.get $z) (f64.add (local.get $bk2) (call $hsum (local.get $c0))))
            (local.set $z (i32.add (local.get $z) (local.get $K8)))
            (f64.store (local.get $z) (f64.add (local.get $bk) (call $hsum (local.get $a1))))
            (f64.store offset=8 (local.get $z) (f64.add (local.get $bk2) (call $hsum (local.get $c1))))
            (local.set $z (i32.add (local.get $z) (local.get $K8)))
            (f64.store (local.get $z) (f64.add (local.get $bk) (call $hsum (local.get $a2))))
            (f64.store offset=8 (local.get $z) (f64.add (local.get $bk2) (call $hsum (local.get $c2))))
            (local.set $z (i32.add (local.get $z) (local.get $K8)))
            (f64.store (local.get $z) (f64.add (local.get $bk) (call $hsum (local.get $a3))))
            (f64.store offset=8 (local.get $z) (f64.add (local.get $bk2) (call $hsum (local.get $c3))))
            (local.set $k (i32.add (local.get $k) (i32.const 2)))
            (br $outputPairs)))
        (block $outputsDone
        (br_if $outputsDone (i32.ge_u (local.get $k) (local.get $K)))
        (loop $outputs
          (local.set $wk (i32.add (local.get $W) (i32.mul (local.get $k) (local.get $d8))))
          (local.set $a0 (v128.const i64x2 0 0))
          (local.set $a1 (v128.const i64x2 0 0))
          (local.set $a2 (v128.const i64x2 0 0))
          (local.set $a3 (v128.const i64x2 0 0))
          (local.set $j (i32.const 0))
          (loop $pair
            (local.set $wv (v128.load (i32.add (local.get $wk) (local.get $j))))
            (local.set $x (i32.add (local.get $row) (local.get $j)))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $wv) (v128.load (local.get $x)))))
            (local.set $x (i32.add (local.get $x) (local.get $d8)))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $wv) (v128.load (local.get $x)))))
            (local.set $x (i32.add (local.get $x) (local.get $d8)))
            (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $wv) (v128.load (local.get $x)))))
            (local.set $x (i32.add (local.get $x) (local.get $d8)))
            (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $wv) (v128.load (local.get $x)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br_if $pair (i32.lt_u (local.get $j) (local.get $d8))))
          (local.set $bk (f64.load (i32.add (local.get $b) (i32.shl (local.get $k) (i32.const 3)))))
          (local.set $z (i32.add (local.get $Z) (i32.add (i32.mul (local.get $t) (local.get $K8)) (i32.shl (local.get $k) (i32.const 3)))))
          (f64.store (local.get $z) (f64.add (local.get $bk) (call $hsum (local.get $a0))))
          (local.set $z (i32.add (local.get $z) (local.get $K8)))
          (f64.store (local.get $z) (f64.add (local.get $bk) (call $hsum (local.get $a1))))
          (local.set $z (i32.add (local.get $z) (local.get $K8)))
          (f64.store (local.get $z) (f64.add (local.get $bk) (call $hsum (local.get $a2))))
          (local.set $z (i32.add (local.get $z) (local.get $K8)))
          (f64.store (local.get $z) (f64.add (local.get $bk) (call $hsum (local.get $a3))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $outputs (i32.lt_u (local.get $k) (local.get $K)))))
        (local.set $t (i32.add (local.get $t) (i32.const 4)))
        (br_if $rows (i32.lt_u (local.get $t) (local.get $n))))))

  ;; G[k] += R[t][k] X[t], G zeroed by the caller: rows by four, each vector of G loaded and
  ;; stored once for them (the four added in row order), outputs by two.
  (func (export "gradient") (param $X i32) (param $n i32) (param $d i32) (param $R i32) (param $K i32) (param $G i32)
    (local $t i32) (local $k i32) (local $j i32) (local $d8 i32) (local $K8 i32) (local $row i32) (local $gk i32)
    (local $x i32) (local $r i32) (local $g v128) (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $gk2 i32) (local $h v128) (local $xv v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $d8 (i32.shl (local.get $d) (i32.const 3)))
    (local.set $K8 (i32.shl (local.get $K) (i32.const 3)))
    (block $rowsDone
      (br_if $rowsDone (i32.eqz (local.get $n)))
      (loop $rows
        (local.set $row (i32.add (local.get $X) (i32.mul (local.get $t) (local.get $d8))))
        (local.set $k (i32.const 0))
        ;; Two outputs at a time while two are left: each load of X serves both (each vector
        ;; of G gets its four rows added in the same order).
        (block $pairsDone
          (loop $outputPairs
            (br_if $pairsDone (i32.gt_u (i32.add (local.get $k) (i32.const 2)) (local.get $K)))
            (local.set $r (i32.add (local.get $R) (i32.add (i32.mul (local.get $t) (local.get $K8)) (i32.shl (local.get $k) (i32.const 3)))))
            (local.set $r0 (v128.load64_splat (local.get $r)))
            (local.set $s0 (v128.load64_splat offset=8 (local.get $r)))
            (local.set $r (i32.add (local.get $r) (local.get $K8)))
            (local.set $r1 (v128.load64_splat (local.get $r)))
            (local.set $s1 (v128.load64_splat offset=8 (local.get $r)))
            (local.set $r (i32.add (local.get $r) (local.get $K8)))
            (local.set $r2 (v128.load64_splat (local.get $r)))
            (local.set $s2 (v128.load64_splat offset=8 (local.get $r)))
            (local.set $r (i32.add (local.get $r) (local.get $K8)))
            (local.set $r3 (v128.load64_splat (local.get $r)))
            (local.set $s3 (v128.load64_splat offset=8 (local.get $r)))
            (local.set $gk (i32.add (local.get $G) (i32.mul (local.get $k) (local.get $d8))))
            (local.set $gk2 (i32.add (local.get $gk) (local.get $d8)))
            (local.set $j (i32.const 0))
            (loop $pair2
              (local.set $x (i32.add (local.get $row) (local.get $j)))
              (local.set $g (v128.load (i32.add (local.get $gk) (local.get $j))))
              (local.set $h (v128.load (i32.add (local.get $gk2) (local.get $j))))
              (local.set $xv (v128.load (local.get $x)))
              (local.set $g (f64x2.add (local.get $g) (f64x2.mul (local.get $r0) (local.get $xv))))
              (local.set $h (f64x2.add (local.get $h) (f64x2.mul (local.get $s0) (local.get $xv))))
              (local.set $x (i32.add (local.get $x) (local.get $d8)))
              (local.set $xv (v128.load (local.get $x)))
              (local.set $g (f64x2.add (local.get $g) (f64x2.mul (local.get $r1) (local.get $xv))))
              (local.set $h (f64x2.add (local.get $h) (f64x2.mul (local.get $s1) (local.get $xv))))
              (local.set $x (i32.add (local.get $x) (local.get $d8)))
              (local.set $xv (v128.load (local.get $x)))
              (local.set $g (f64x2.add (local.get $g) (f64x2.mul (local.get $r2) (local.get $xv))))
              (local.set $h (f64x2.add (local.get $h) (f64x2.mul (local.get $s2) (local.get $xv))))
              (local.set $x (i32.add (local.get $x) (local.get $d8)))
              (local.set $xv (v128.load (local.get $x)))
              (local.set $g (f64x2.add (local.get $g) (f64x2.mul (local.get $r3) (local.get $xv))))
              (local.set $h (f64x2.add (local.get $h) (f64x2.mul (local.get $s3) (local.get $xv))))
              (v128.store (i32.add (local.get $gk) (local.get $j)) (local.get $g))
              (v128.store (i32.add (local.get $gk2) (local.get $j)) (local.get $h))
              (local.set $j (i32.add (local.get $j) (i32.const 16)))
              (br_if $pair2 (i32.lt_u (local.get $j) (local.get $d8))))
            (local.set $k (i32.add (local.get $k) (i32.const 2)))
            (br $outputPairs)))
        (block $outputsDone
        (br_if $outputsDone (i32.ge_u (local.get $k) (local.get $K)))
        (loop $outputs
          (local.set $r (i32.add (local.get $R) (i32.add (i32.mul (local.get $t) (local.get $K8)) (i32.shl (local.get $k) (i32.const 3)))))
          (local.set $r0 (v128.load64_splat (local.get $r)))
          (local.set $r (i32.add (local.get $r) (local.get $K8)))
          (local.set $r1 (v128.load64_splat (local.get $r)))
          (local.set $r (i32.add (local.get $r) (local.get $K8)))
          (local.set $r2 (v128.load64_splat (local.get $r)))
          (local.set $r (i32.add (local.get $r) (local.get $K8)))
          (local.set $r3 (v128.load64_splat (local.get $r)))
          (local.set $gk (i32.add (local.get $G) (i32.mul (local.get $k) (local.get $d8))))
          (local.set $j (i32.const 0))
          (loop $pair
            (local.set $x (i32.add (local.get $row) (local.get $j)))
            (local.set $g (v128.load (i32.add (local.get $gk) (local.get $j))))
            (local.set $g (f64x2.add (local.get $g) (f64x2.mul (local.get $r0) (v128.load (local.get $x)))))
            (local.set $x (i32.add (local.get $x) (local.get $d8)))
            (local.set $g (f64x2.add (local.get $g) (f64x2.mul (local.get $r1) (v128.load (local.get $x)))))
            (local.set $x (i32.add (local.get $x) (local.get $d8)))
            (local.set $g (f64x2.add (local.get $g) (f64x2.mul (local.get $r2) (v128.load (local.get $x)))))
            (local.set $x (i32.add (local.get $x) (local.get $d8)))
            (local.set $g (f64x2.add (local.get $g) (f64x2.mul (local.get $r3) (v128.load (local.get $x)))))
            (v128.store (i32.add (local.get $gk) (local.get $j)) (local.get $g))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br_if $pair (i32.lt_u (local.get $j) (local.get $d8))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $outputs (i32.lt_u (local.get $k) (local.get $K)))))
        (local.set $t (i32.add (local.get $t) (i32.const 4)))
        (br_if $rows (i32.lt_u (local.get $t) (local.get $n))))))
;; e^x for x <= 0 (softmax's shifted scores), two at a time: x = k ln 2 + r with |r| <=
  ;; ln 2 / 2 (Cody and Waite's split of ln 2), e^r by its Taylor series to r^13 (Horner; the
  ;; rest is below 1e-17 relative), times 2^k built from its bits. Within a few ulps of
  ;; Math.exp; 0 below -708 (where e^x is subnormal).
  (func $exp2x (param $x v128) (result v128)
    (local $k v128) (local $r v128) (local $p v128) (local $bits v128)
    (local.set $k (f64x2.nearest (f64x2.mul (local.get $x) (v128.const f64x2 1.4426950408889634 1.4426950408889634))))
    (local.set $r (f64x2.sub
      (f64x2.sub (local.get $x) (f64x2.mul (local.get $k) (v128.const f64x2 0.6931471803691238 0.6931471803691238)))
      (f64x2.mul (local.get $k) (v128.const f64x2 1.9082149292705877e-10 1.9082149292705877e-10))))
    (local.set $p (v128.const f64x2 1.6059043836821613e-10 1.6059043836821613e-10))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 2.08767569878681e-9 2.08767569878681e-9)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 2.505210838544172e-8 2.505210838544172e-8)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 2.755731922398589e-7 2.755731922398589e-7)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 2.7557319223985893e-6 2.7557319223985893e-6)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 2.48015873015873e-5 2.48015873015873e-5)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 1.984126984126984e-4 1.984126984126984e-4)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 1.388888888888889e-3 1.388888888888889e-3)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 8.333333333333333e-3 8.333333333333333e-3)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 4.1666666666666664e-2 4.1666666666666664e-2)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 0.16666666666666666 0.16666666666666666)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 0.5 0.5)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 1 1)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 1 1)))
    ;; 2^k: k + 1023 in the exponent bits (k >= -1022 where x >= -708).
    (local.set $bits (i64x2.shl
      (i64x2.add (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $k))) (v128.const i64x2 1023 1023))
      (i32.const 52)))
    (v128.bitselect
      (v128.const i64x2 0 0)
      (f64x2.mul (local.get $p) (local.get $bits))
      (f64x2.lt (local.get $x) (v128.const f64x2 -708 -708))))

  ;; Multinomial residuals in place: row t's scores Z[t] become softmax(Z[t]) - onehot(y[t]),
  ;; with e^(z - max) / Σ; S[t] = Σ e^(z - max). Returns Σ_t max_t - Z[t][y_t] (the loss is
  ;; that plus Σ log S[t], which the caller adds).
  (func (export "softmax") (param $Z i32) (param $n i32) (param $K i32) (param $labels i32) (param $S i32) (result f64)
    (local $t i32) (local $k i32) (local $row i32) (local $max f64) (local $sum f64) (local $e f64) (local $y i32)
    (local $loss f64) (local $p i32) (local $mx v128) (local $acc v128) (local $ev v128)
    (block $rowsDone
      (br_if $rowsDone (i32.eqz (local.get $n)))
      (loop $rows
        (local.set $row (i32.add (local.get $Z) (i32.shl (i32.mul (local.get $t) (local.get $K)) (i32.const 3))))
        (local.set $y (i32.load (i32.add (local.get $labels) (i32.shl (local.get $t) (i32.const 2)))))
        (local.set $max (f64.const -inf))
        (local.set $k (i32.const 0))
        (loop $top
          (local.set $max (f64.max (local.get $max) (f64.load (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 3))))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $top (i32.lt_u (local.get $k) (local.get $K))))
        (local.set $loss (f64.add (local.get $loss)
          (f64.sub (local.get $max) (f64.load (i32.add (local.get $row) (i32.shl (local.get $y) (i32.const 3)))))))
        ;; e^(z - max) for the classes in pairs (a last odd one in lane 0), summed in two lanes.
        (local.set $mx (f64x2.splat (local.get $max)))
        (local.set $acc (v128.const i64x2 0 0))
        (local.set $k (i32.const 0))
        (block $pairsDone
          (loop $pairs
            (br_if $pairsDone (i32.gt_u (i32.add (local.get $k) (i32.const 2)) (local.get $K)))
            (local.set $p (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 3))))
            (local.set $ev (call $exp2x (f64x2.sub (v128.load (local.get $p)) (local.get $mx))))
            (v128.store (local.get $p) (local.get $ev))
            (local.set $acc (f64x2.add (local.get $acc) (local.get $ev)))
            (local.set $k (i32.add (local.get $k) (i32.const 2)))
            (br $pairs)))
        (local.set $sum (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
        (if (i32.lt_u (local.get $k) (local.get $K))
          (then
            (local.set $p (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 3))))
            (local.set $e (f64x2.extract_lane 0
              (call $exp2x (f64x2.splat (f64.sub (f64.load (local.get $p)) (local.get $max))))))
            (f64.store (local.get $p) (local.get $e))
            (local.set $sum (f64.add (local.get $sum) (local.get $e)))))
        (f64.store (i32.add (local.get $S) (i32.shl (local.get $t) (i32.const 3))) (local.get $sum))
        (local.set $k (i32.const 0))
        (loop $probs
          (local.set $p (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 3))))
          (f64.store (local.get $p) (f64.sub (f64.div (f64.load (local.get $p)) (local.get $sum))
            (f64.convert_i32_u (i32.eq (local.get $k) (local.get $y)))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $probs (i32.lt_u (local.get $k) (local.get $K))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $t) (local.get $n)))))
    (local.get $loss))
)

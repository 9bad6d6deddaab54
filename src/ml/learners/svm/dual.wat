;; One epoch of the squared-hinge linear SVM's dual coordinate descent (svcDual in
;; linear-svm.ts), compiled: the same arithmetic in the same order, so both give the same
;; model bit for bit (dense rows use 128-bit SIMD: the four running sums of the dot product
;; as the lanes of two vectors, and the update of w two weights at a time). Assembled and inlined as base64 in dual-wasm.ts
;; (`npx -p wabt wat2wasm dual.wat -o dual.wasm && base64 -w0 dual.wasm`).
;;
;; Memory holds the rows in compressed sparse rows (ptr i32[n+1], idx i32[nnz], val f64[nnz]),
;; y f64[n] (+1/-1), rows i32[l], index i32[l] (visit order, shuffled by the caller), alpha
;; f64[l], QD f64[l], w f64[dd]; offsets in bytes. Each epoch first shuffles index[0, active)
;; as svcDual does, with its generator's state at $out + 16 (mulberry32, as core/random.ts).
;; Returns the new active count and writes PGmax, PGmin at $out.
(module
  (import "env" "memory" (memory 1))

  ;; The generator's next draw in [0, 1), its state at $st: Rng.next.
  (func $next (param $st i32) (result f64)
    (local $t i32)
    (local.set $t (i32.add (i32.load (local.get $st)) (i32.const 0x6d2b79f5)))
    (i32.store (local.get $st) (local.get $t))
    (local.set $t
      (i32.mul (i32.xor (local.get $t) (i32.shr_u (local.get $t) (i32.const 15))) (i32.or (local.get $t) (i32.const 1))))
    (local.set $t
      (i32.xor (local.get $t)
        (i32.add (local.get $t)
          (i32.mul (i32.xor (local.get $t) (i32.shr_u (local.get $t) (i32.const 7))) (i32.or (local.get $t) (i32.const 61))))))
    (f64.div
      (f64.convert_i32_u (i32.xor (local.get $t) (i32.shr_u (local.get $t) (i32.const 14))))
      (f64.const 4294967296)))

  ;; index[0, active) shuffled: slot s swaps with s + Rng.int(active - s), s ascending.
  (func $shuffle (param $index i32) (param $active i32) (param $st i32)
    (local $s i32) (local $j i32) (local $ps i32) (local $pj i32) (local $t i32)
    (block $done (loop $swap
      (br_if $done (i32.ge_s (local.get $s) (local.get $active)))
      (local.set $j (i32.add (local.get $s)
        (i32.trunc_f64_s (f64.floor (f64.mul (call $next (local.get $st))
          (f64.convert_i32_s (i32.sub (local.get $active) (local.get $s))))))))
      (local.set $ps (i32.add (local.get $index) (i32.shl (local.get $s) (i32.const 2))))
      (local.set $pj (i32.add (local.get $index) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $t (i32.load (local.get $ps)))
      (i32.store (local.get $ps) (i32.load (local.get $pj)))
      (i32.store (local.get $pj) (local.get $t))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br $swap))))

  (func (export "svcEpoch")
    (param $ptr i32) (param $idx i32) (param $val i32) (param $y i32) (param $rows i32)
    (param $index i32) (param $alpha i32) (param $qd i32) (param $w i32) (param $dd i32)
    (param $active i32) (param $diag f64) (param $pgMaxOld f64) (param $out i32)
    (result i32)
    (local $s i32) (local $i i32) (local $r i32) (local $b i32) (local $e i32) (local $k i32)
    (local $yi f64) (local $s0 f64) (local $s1 f64) (local $s2 f64) (local $s3 f64)
    (local $G f64) (local $PG f64) (local $pgMax f64) (local $pgMin f64)
    (local $ai i32) (local $old f64) (local $new f64) (local $a f64) (local $dense i32)
    (local $vk i32) (local $wk i32) (local $t i32) (local $v01 v128) (local $v23 v128) (local $va v128)
    (call $shuffle (local.get $index) (local.get $active) (i32.add (local.get $out) (i32.const 16)))
    (local.set $pgMax (f64.const -inf))
    (local.set $pgMin (f64.const inf))
    (block $done (loop $visit
      (br_if $done (i32.ge_s (local.get $s) (local.get $active)))
      ;; i = index[s]; r = rows[i]; yi = y[r]
      (local.set $i (i32.load (i32.add (local.get $index) (i32.shl (local.get $s) (i32.const 2)))))
      (local.set $r (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $yi (f64.load (i32.add (local.get $y) (i32.shl (local.get $r) (i32.const 3)))))
      (local.set $b (i32.load (i32.add (local.get $ptr) (i32.shl (local.get $r) (i32.const 2)))))
      (local.set $e (i32.load offset=4 (i32.add (local.get $ptr) (i32.shl (local.get $r) (i32.const 2)))))
      (local.set $dense (i32.eq (i32.sub (local.get $e) (local.get $b)) (local.get $dd)))
      ;; dot(row r, w): four running sums over blocks of four, the rest into s0
      (local.set $s0 (f64.const 0)) (local.set $s1 (f64.const 0))
      (local.set $s2 (f64.const 0)) (local.set $s3 (f64.const 0))
      (local.set $v01 (v128.const f64x2 0 0)) (local.set $v23 (v128.const f64x2 0 0))
      (local.set $k (local.get $b))
      (block $d4 (loop $dot4
        (br_if $d4 (i32.gt_s (i32.add (local.get $k) (i32.const 4)) (local.get $e)))
        (local.set $vk (i32.add (local.get $val) (i32.shl (local.get $k) (i32.const 3))))
        (if (local.get $dense)
          ;; dense: sums s0, s1 and s2, s3 as the lanes of two vectors (the same sums, two at a time)
          (then (local.set $wk (i32.add (local.get $w) (i32.shl (i32.sub (local.get $k) (local.get $b)) (i32.const 3))))
            (local.set $v01 (f64x2.add (local.get $v01) (f64x2.mul (v128.load (local.get $vk)) (v128.load (local.get $wk)))))
            (local.set $v23 (f64x2.add (local.get $v23) (f64x2.mul (v128.load offset=16 (local.get $vk)) (v128.load offset=16 (local.get $wk))))))
          (else (local.set $t (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2))))
            (local.set $s0 (f64.add (local.get $s0) (f64.mul (f64.load (local.get $vk))
              (f64.load (i32.add (local.get $w) (i32.shl (i32.load (local.get $t)) (i32.const 3)))))))
            (local.set $s1 (f64.add (local.get $s1) (f64.mul (f64.load offset=8 (local.get $vk))
              (f64.load (i32.add (local.get $w) (i32.shl (i32.load offset=4 (local.get $t)) (i32.const 3)))))))
            (local.set $s2 (f64.add (local.get $s2) (f64.mul (f64.load offset=16 (local.get $vk))
              (f64.load (i32.add (local.get $w) (i32.shl (i32.load offset=8 (local.get $t)) (i32.const 3)))))))
            (local.set $s3 (f64.add (local.get $s3) (f64.mul (f64.load offset=24 (local.get $vk))
              (f64.load (i32.add (local.get $w) (i32.shl (i32.load offset=12 (local.get $t)) (i32.const 3)))))))))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $dot4)))
      (if (local.get $dense)
        (then
          (local.set $s0 (f64x2.extract_lane 0 (local.get $v01)))
          (local.set $s1 (f64x2.extract_lane 1 (local.get $v01)))
          (local.set $s2 (f64x2.extract_lane 0 (local.get $v23)))
          (local.set $s3 (f64x2.extract_lane 1 (local.get $v23)))))
      (block $d1 (loop $dot1
        (br_if $d1 (i32.ge_s (local.get $k) (local.get $e)))
        (local.set $s0 (f64.add (local.get $s0) (f64.mul
          (f64.load (i32.add (local.get $val) (i32.shl (local.get $k) (i32.const 3))))
          (f64.load (i32.add (local.get $w) (i32.shl
            (if (result i32) (local.get $dense)
              (then (i32.sub (local.get $k) (local.get $b)))
              (else (i32.load (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2))))))
            (i32.const 3)))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $dot1)))
      ;; G = yi * dot - 1 + alpha[i] * diag
      (local.set $ai (i32.add (local.get $alpha) (i32.shl (local.get $i) (i32.const 3))))
      (local.set $old (f64.load (local.get $ai)))
      (local.set $G (f64.add (f64.sub
        (f64.mul (local.get $yi) (f64.add (f64.add (local.get $s0) (local.get $s1)) (f64.add (local.get $s2) (local.get $s3))))
        (f64.const 1)) (f64.mul (local.get $old) (local.get $diag))))
      (local.set $PG (f64.const 0))
      (block $next
        (if (f64.eq (local.get $old) (f64.const 0))
          (then
            (if (f64.gt (local.get $G) (local.get $pgMaxOld))
              (then
                ;; stuck at the bound: swap it out of the active set and visit slot s again
                (local.set $active (i32.sub (local.get $active) (i32.const 1)))
                (i32.store (i32.add (local.get $index) (i32.shl (local.get $s) (i32.const 2)))
                  (i32.load (i32.add (local.get $index) (i32.shl (local.get $active) (i32.const 2)))))
                (i32.store (i32.add (local.get $index) (i32.shl (local.get $active) (i32.const 2))) (local.get $i))
                (br $visit)))
            (if (f64.lt (local.get $G) (f64.const 0)) (then (local.set $PG (local.get $G)))))
          (else (local.set $PG (local.get $G))))
        (if (f64.gt (local.get $PG) (local.get $pgMax)) (then (local.set $pgMax (local.get $PG))))
        (if (f64.lt (local.get $PG) (local.get $pgMin)) (then (local.set $pgMin (local.get $PG))))
        (br_if $next (i32.eqz (f64.gt (f64.abs (local.get $PG)) (f64.const 1e-12))))
        ;; alpha[i] = max(old - G / QD[i], 0); w += (alpha[i] - old) * yi * row r
        (local.set $new (f64.max
          (f64.sub (local.get $old) (f64.div (local.get $G)
            (f64.load (i32.add (local.get $qd) (i32.shl (local.get $i) (i32.const 3))))))
          (f64.const 0)))
        (f64.store (local.get $ai) (local.get $new))
        (local.set $a (f64.mul (f64.sub (local.get $new) (local.get $old)) (local.get $yi)))
        (local.set $k (local.get $b))
        ;; dense rows: two weights at a time (elementwise, so the same values)
        (if (local.get $dense)
          (then
            (local.set $va (f64x2.splat (local.get $a)))
            (block $x2 (loop $axpy2
              (br_if $x2 (i32.gt_s (i32.add (local.get $k) (i32.const 2)) (local.get $e)))
              (local.set $wk (i32.add (local.get $w) (i32.shl (i32.sub (local.get $k) (local.get $b)) (i32.const 3))))
              (v128.store (local.get $wk) (f64x2.add (v128.load (local.get $wk)) (f64x2.mul (local.get $va)
                (v128.load (i32.add (local.get $val) (i32.shl (local.get $k) (i32.const 3)))))))
              (local.set $k (i32.add (local.get $k) (i32.const 2)))
              (br $axpy2)))))
        (block $x1 (loop $axpy
          (br_if $x1 (i32.ge_s (local.get $k) (local.get $e)))
          (local.set $wk (i32.add (local.get $w) (i32.shl
            (if (result i32) (local.get $dense)
              (then (i32.sub (local.get $k) (local.get $b)))
              (else (i32.load (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2))))))
            (i32.const 3))))
          (f64.store (local.get $wk) (f64.add (f64.load (local.get $wk)) (f64.mul (local.get $a)
            (f64.load (i32.add (local.get $val) (i32.shl (local.get $k) (i32.const 3)))))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $axpy))))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br $visit)))
    (f64.store (local.get $out) (local.get $pgMax))
    (f64.store offset=8 (local.get $out) (local.get $pgMin))
    (local.get $active))
)

;; The histogram kernels of gradient boosting (kernels.ts) in WebAssembly: building gradient
;; histograms, subtracting them, scanning a numeric feature's bins for its best split, and
;; partitioning a node's rows. They do the same arithmetic in the same order as the
;; JavaScript loops in kernels.ts (f64x2 lanes add and subtract each double on its own), so
;; a fit gives the same trees either way. Assembled and inlined in kernels-wasm.ts
;; (`npx -p wabt wat2wasm kernels.wat -o kernels.wasm && base64 -w0 kernels.wasm`).
;;
;; The memory is the fit's shared arena (kernels-wasm.ts): every thread has an instance of
;; its own over it. Addresses are bytes; the feature table holds, per feature f, the offset
;; of its histogram in a slot (in doubles) at tab + 8f and its value bins at tab + 8f + 4.
(module
  (import "env" "memory" (memory 1 65536 shared))
  (global $bins (mut i32) (i32.const 0))
  (global $gh (mut i32) (i32.const 0))
  (global $rows (mut i32) (i32.const 0))
  (global $tab (mut i32) (i32.const 0))
  (global $n (mut i32) (i32.const 0))
  ;; The best split a scan found, when it returns a higher gain than it was given.
  (global $bestBin (export "bestBin") (mut i32) (i32.const 0))
  (global $bestDefaultLeft (export "bestDefaultLeft") (mut i32) (i32.const 0))
  (global $bestGL (export "bestGL") (mut f64) (f64.const 0))
  (global $bestHL (export "bestHL") (mut f64) (f64.const 0))
  (global $bestFeature (export "bestFeature") (mut i32) (i32.const 0))

  ;; Where the fit's buffers are: bin bytes by column, gradient and hessian pairs (float32)
  ;; by row, the rows of the nodes, the feature table; and the number of rows.
  (func (export "init") (param $bins i32) (param $gh i32) (param $rows i32) (param $tab i32) (param $n i32)
    (global.set $bins (local.get $bins))
    (global.set $gh (local.get $gh))
    (global.set $rows (local.get $rows))
    (global.set $tab (local.get $tab))
    (global.set $n (local.get $n))
  )

  ;; Zeroes and fills the histograms of the nf features at list over the rows at positions
  ;; start..end (identity: the row at position k is k), in the slot at hist.
  (func (export "build") (param $hist i32) (param $list i32) (param $nf i32) (param $start i32) (param $end i32) (param $identity i32)
    (local $j i32) (local $t i32)
    (block $zeroed (loop $zero
      (br_if $zeroed (i32.ge_s (local.get $j) (local.get $nf)))
      (local.set $t (i32.add (global.get $tab) (i32.shl (i32.load (i32.add (local.get $list) (i32.shl (local.get $j) (i32.const 2)))) (i32.const 3))))
      (memory.fill
        (i32.add (local.get $hist) (i32.shl (i32.load (local.get $t)) (i32.const 3)))
        (i32.const 0)
        (i32.shl (i32.add (i32.load offset=4 (local.get $t)) (i32.const 1)) (i32.const 4)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $zero)))
    (local.set $j (i32.const 0))
    (block $b8 (loop $l8
      (br_if $b8 (i32.gt_s (i32.add (local.get $j) (i32.const 8)) (local.get $nf)))
      (call $pass8 (local.get $hist) (i32.add (local.get $list) (i32.shl (local.get $j) (i32.const 2))) (local.get $start) (local.get $end) (local.get $identity))
      (local.set $j (i32.add (local.get $j) (i32.const 8)))
      (br $l8)))
    (if (i32.le_s (i32.add (local.get $j) (i32.const 4)) (local.get $nf)) (then
      (call $pass4 (local.get $hist) (i32.add (local.get $list) (i32.shl (local.get $j) (i32.const 2))) (local.get $start) (local.get $end) (local.get $identity))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))))
    (if (i32.le_s (i32.add (local.get $j) (i32.const 2)) (local.get $nf)) (then
      (call $pass2 (local.get $hist) (i32.add (local.get $list) (i32.shl (local.get $j) (i32.const 2))) (local.get $start) (local.get $end) (local.get $identity))
      (local.set $j (i32.add (local.get $j) (i32.const 2)))))
    (if (i32.lt_s (local.get $j) (local.get $nf)) (then
      (call $pass1 (local.get $hist) (i32.add (local.get $list) (i32.shl (local.get $j) (i32.const 2))) (local.get $start) (local.get $end) (local.get $identity))))
  )

  ;; The slot at dst minus the slot at src, over the nf features at list.
  (func (export "subtract") (param $dst i32) (param $src i32) (param $list i32) (param $nf i32)
    (local $j i32) (local $t i32) (local $o i32) (local $end i32)
    (block $done (loop $features
      (br_if $done (i32.ge_s (local.get $j) (local.get $nf)))
      (local.set $t (i32.add (global.get $tab) (i32.shl (i32.load (i32.add (local.get $list) (i32.shl (local.get $j) (i32.const 2)))) (i32.const 3))))
      (local.set $o (i32.shl (i32.load (local.get $t)) (i32.const 3)))
      (local.set $end (i32.add (local.get $o) (i32.shl (i32.add (i32.load offset=4 (local.get $t)) (i32.const 1)) (i32.const 4))))
      (block $fdone (loop $bins
        (br_if $fdone (i32.ge_u (local.get $o) (local.get $end)))
        (v128.store (i32.add (local.get $dst) (local.get $o))
          (f64x2.sub
            (v128.load (i32.add (local.get $dst) (local.get $o)))
            (v128.load (i32.add (local.get $src) (local.get $o)))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $bins)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $features)))
  )

  ;; The best split among the nf numeric features at list, in the histogram slot at slot,
  ;; feature after feature as $scan does one (one call for a run of features: a call from
  ;; JavaScript costs more than a small node's scan). Returns the higher of best and the best
  ;; gain found; when higher, bestFeature and the globals of $scan say where.
  (func (export "scanRun") (param $slot i32) (param $list i32) (param $nf i32) (param $G f64) (param $H f64)
        (param $parent f64) (param $lambda f64) (param $mcw f64) (param $best f64) (result f64)
    (local $j i32) (local $f i32) (local $t i32) (local $o i32) (local $gain f64)
    (block $done (loop $features
      (br_if $done (i32.ge_s (local.get $j) (local.get $nf)))
      (local.set $f (i32.load (i32.add (local.get $list) (i32.shl (local.get $j) (i32.const 2)))))
      (local.set $t (i32.add (global.get $tab) (i32.shl (local.get $f) (i32.const 3))))
      (local.set $o (i32.add (local.get $slot) (i32.shl (i32.load (local.get $t)) (i32.const 3))))
      (local.set $gain (call $scan (local.get $o) (i32.load offset=4 (local.get $t))
        (f64.gt (f64.load offset=8 (local.get $o)) (f64.const 0))
        (local.get $G) (local.get $H) (local.get $parent) (local.get $lambda) (local.get $mcw) (local.get $best)))
      (if (f64.gt (local.get $gain) (local.get $best)) (then
        (local.set $best (local.get $gain))
        (global.set $bestFeature (local.get $f))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $features)))
    (local.get $best)
  )

  ;; The best split of one numeric feature (no monotone constraint, no weight bounds, no L1)
  ;; in the histogram at o (nbf value bins after the missing bin; miss: the node has missing
  ;; values), as kernels.ts's evaluate enumerates them: forward with the missing values
  ;; right, then, with missing values, backward with them left. Returns the higher of best
  ;; and the best gain found (float32, as a double); when higher, the bestBin ... globals say
  ;; where.
  (func $scan (param $o i32) (param $nbf i32) (param $miss i32) (param $G f64) (param $H f64)
        (param $parent f64) (param $lambda f64) (param $mcw f64) (param $best f64) (result f64)
    (local $b i32) (local $last i32) (local $p i32) (local $hb f64)
    (local $GL f64) (local $HL f64) (local $gr f64) (local $hr f64) (local $gain f64)
    (local.set $last (select (local.get $nbf) (i32.sub (local.get $nbf) (i32.const 1)) (local.get $miss)))
    (local.set $b (i32.const 1))
    (block $fdone (loop $forward
      (br_if $fdone (i32.gt_s (local.get $b) (local.get $last)))
      (local.set $p (i32.add (local.get $o) (i32.shl (local.get $b) (i32.const 4))))
      (local.set $hb (f64.load offset=8 (local.get $p)))
      (local.set $GL (f64.add (local.get $GL) (f64.load (local.get $p))))
      (local.set $HL (f64.add (local.get $HL) (local.get $hb)))
      (local.set $hr (f64.sub (local.get $H) (local.get $HL)))
      (if (i32.eqz (i32.or
            (i32.or (f64.eq (local.get $hb) (f64.const 0)) (f64.lt (local.get $HL) (local.get $mcw)))
            (i32.or (f64.lt (local.get $hr) (local.get $mcw))
              (i32.or (f64.le (local.get $HL) (f64.const 0)) (f64.le (local.get $hr) (f64.const 0))))))
        (then
          (local.set $gr (f64.sub (local.get $G) (local.get $GL)))
          (local.set $gain (f64.promote_f32 (f32.demote_f64
            (f64.sub
              (f64.add
                (f64.div (f64.mul (local.get $GL) (local.get $GL)) (f64.add (local.get $HL) (local.get $lambda)))
                (f64.div (f64.mul (local.get $gr) (local.get $gr)) (f64.add (local.get $hr) (local.get $lambda))))
              (local.get $parent)))))
          (if (f64.gt (local.get $gain) (local.get $best)) (then
            (local.set $best (local.get $gain))
            (global.set $bestBin (local.get $b))
            (global.set $bestDefaultLeft (i32.const 0))
            (global.set $bestGL (local.get $GL))
            (global.set $bestHL (local.get $HL))))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $forward)))
    (if (local.get $miss) (then
      ;; Bins b..nbf right, the missing values and the bins below b left.
      (local.set $GL (f64.const 0))
      (local.set $HL (f64.const 0))
      (local.set $b (local.get $nbf))
      (block $bdone (loop $backward
        (br_if $bdone (i32.lt_s (local.get $b) (i32.const 1)))
        (local.set $p (i32.add (local.get $o) (i32.shl (local.get $b) (i32.const 4))))
        (local.set $hb (f64.load offset=8 (local.get $p)))
        ;; Here GL, HL are the right side's sums; gr, hr the left side's.
        (local.set $GL (f64.add (local.get $GL) (f64.load (local.get $p))))
        (local.set $HL (f64.add (local.get $HL) (local.get $hb)))
        (local.set $hr (f64.sub (local.get $H) (local.get $HL)))
        (local.set $gr (f64.sub (local.get $G) (local.get $GL)))
        (if (i32.eqz (i32.or
              (i32.or (f64.eq (local.get $hb) (f64.const 0)) (f64.lt (local.get $HL) (local.get $mcw)))
              (i32.or (f64.lt (local.get $hr) (local.get $mcw))
                (i32.or (f64.le (local.get $HL) (f64.const 0)) (f64.le (local.get $hr) (f64.const 0))))))
          (then
            (local.set $gain (f64.promote_f32 (f32.demote_f64
              (f64.sub
                (f64.add
                  (f64.div (f64.mul (local.get $gr) (local.get $gr)) (f64.add (local.get $hr) (local.get $lambda)))
                  (f64.div (f64.mul (local.get $GL) (local.get $GL)) (f64.add (local.get $HL) (local.get $lambda))))
                (local.get $parent)))))
            (if (f64.gt (local.get $gain) (local.get $best)) (then
              (local.set $best (local.get $gain))
              (global.set $bestBin (i32.sub (local.get $b) (i32.const 1)))
              (global.set $bestDefaultLeft (i32.const 1))
              (global.set $bestGL (local.get $gr))
              (global.set $bestHL (local.get $hr))))))
        (local.set $b (i32.sub (local.get $b) (i32.const 1)))
        (br $backward)))))
    (local.get $best)
  )

  ;; Splits the rows at src[from..to) by their bin in the column at col through the 256-byte
  ;; table at lut (1: left), stably: each row is written to both sides (ls, rs, from `from`
  ;; on) and only its own side advances. Returns where the left side ends.
  (func (export "partition") (param $col i32) (param $lut i32) (param $src i32) (param $from i32) (param $to i32)
        (param $ls i32) (param $rs i32) (result i32)
    (local $q i32) (local $l i32) (local $r i32) (local $row i32) (local $go i32)
    (local.set $q (local.get $from))
    (local.set $l (local.get $from))
    (local.set $r (local.get $from))
    (block $done (loop $rows
      (br_if $done (i32.ge_s (local.get $q) (local.get $to)))
      (local.set $row (i32.load (i32.add (local.get $src) (i32.shl (local.get $q) (i32.const 2)))))
      (local.set $go (i32.load8_u (i32.add (local.get $lut) (i32.load8_u (i32.add (local.get $col) (local.get $row))))))
      (i32.store (i32.add (local.get $ls) (i32.shl (local.get $l) (i32.const 2))) (local.get $row))
      (i32.store (i32.add (local.get $rs) (i32.shl (local.get $r) (i32.const 2))) (local.get $row))
      (local.set $l (i32.add (local.get $l) (local.get $go)))
      (local.set $r (i32.sub (i32.add (local.get $r) (i32.const 1)) (local.get $go)))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br $rows)))
    (local.get $l)
  )

  ;; 8 features per pass over the rows
  (func $pass8 (param $hist i32) (param $list i32) (param $start i32) (param $end i32) (param $identity i32)
    (local $k i32) (local $r i32) (local $gh v128) (local $p i32) (local $f i32)
    (local $o0 i32) (local $c0 i32) (local $o1 i32) (local $c1 i32) (local $o2 i32) (local $c2 i32) (local $o3 i32) (local $c3 i32) (local $o4 i32) (local $c4 i32) (local $o5 i32) (local $c5 i32) (local $o6 i32) (local $c6 i32) (local $o7 i32) (local $c7 i32)
    (local.set $f (i32.load offset=0 (local.get $list)))
    (local.set $o0 (i32.add (local.get $hist) (i32.shl (i32.load (i32.add (global.get $tab) (i32.shl (local.get $f) (i32.const 3)))) (i32.const 3))))
    (local.set $c0 (i32.add (global.get $bins) (i32.mul (local.get $f) (global.get $n))))
    (local.set $f (i32.load offset=4 (local.get $list)))
    (local.set $o1 (i32.add (local.get $hist) (i32.shl (i32.load (i32.add (global.get $tab) (i32.shl (local.get $f) (i32.const 3)))) (i32.const 3))))
    (local.set $c1 (i32.add (global.get $bins) (i32.mul (local.get $f) (global.get $n))))
    (local.set $f (i32.load offset=8 (local.get $list)))
    (local.set $o2 (i32.add (local.get $hist) (i32.shl (i32.load (i32.add (global.get $tab) (i32.shl (local.get $f) (i32.const 3)))) (i32.const 3))))
    (local.set $c2 (i32.add (global.get $bins) (i32.mul (local.get $f) (global.get $n))))
    (local.set $f (i32.load offset=12 (local.get $list)))
    (local.set $o3 (i32.add (local.get $hist) (i32.shl (i32.load (i32.add (global.get $tab) (i32.shl (local.get $f) (i32.const 3)))) (i32.const 3))))
    (local.set $c3 (i32.add (global.get $bins) (i32.mul (local.get $f) (global.get $n))))
    (local.set $f (i32.load offset=16 (local.get $list)))
    (local.set $o4 (i32.add (local.get $hist) (i32.shl (i32.load (i32.add (global.get $tab) (i32.shl (local.get $f) (i32.const 3)))) (i32.const 3))))
    (local.set $c4 (i32.add (global.get $bins) (i32.mul (local.get $f) (global.get $n))))
    (local.set $f (i32.load offset=20 (local.get $list)))
    (local.set $o5 (i32.add (local.get $hist) (i32.shl (i32.load (i32.add (global.get $tab) (i32.shl (local.get $f) (i32.const 3)))) (i32.const 3))))
    (local.set $c5 (i32.add (global.get $bins) (i32.mul (local.get $f) (global.get $n))))
    (local.set $f (i32.load offset=24 (local.get $list)))
    (local.set $o6 (i32.add (local.get $hist) (i32.shl (i32.load (i32.add (global.get $tab) (i32.shl (local.get $f) (i32.const 3)))) (i32.const 3))))
    (local.set $c6 (i32.add (global.get $bins) (i32.mul (local.get $f) (global.get $n))))
    (local.set $f (i32.load offset=28 (local.get $list)))
    (local.set $o7 (i32.add (local.get $hist) (i32.shl (i32.load (i32.add (global.get $tab) (i32.shl (local.get $f) (i32.const 3)))) (i32.const 3))))
    (local.set $c7 (i32.add (global.get $bins) (i32.mul (local.get $f) (global.get $n))))
    (local.set $k (local.get $start))
    (block $done (loop $rows
      (br_if $done (i32.ge_s (local.get $k) (local.get $end)))
      (local.set $r (select (local.get $k) (i32.load (i32.add (global.get $rows) (i32.shl (local.get $k) (i32.const 2)))) (local.get $identity)))
      (local.set $gh (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (global.get $gh) (i32.shl (local.get $r) (i32.const 3))))))
      (local.set $p (i32.add (local.get $o0) (i32.shl (i32.load8_u (i32.add (local.get $c0) (local.get $r))) (i32.const 4))))
      (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (local.get $gh)))
      (local.set $p (i32.add (local.get $o1) (i32.shl (i32.load8_u (i32.add (local.get $c1) (local.get $r))) (i32.const 4))))
      (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (local.get $gh)))
      (local.set $p (i32.add (local.get $o2) (i32.shl (i32.load8_u (i32.add (local.get $c2) (local.get $r))) (i32.const 4))))
      (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (local.get $gh)))
      (local.set $p (i32.add (local.get $o3) (i32.shl (i32.load8_u (i32.add (local.get $c3) (local.get $r))) (i32.const 4))))
      (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (local.get $gh)))
      (local.set $p (i32.add (local.get $o4) (i32.shl (i32.load8_u (i32.add (local.get $c4) (local.get $r))) (i32.const 4))))
      (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (local.get $gh)))
      (local.set $p (i32.add (local.get $o5) (i32.shl (i32.load8_u (i32.add (local.get $c5) (local.get $r))) (i32.const 4))))
      (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (local.get $gh)))
      (local.set $p (i32.add (local.get $o6) (i32.shl (i32.load8_u (i32.add (local.get $c6) (local.get $r))) (i32.const 4))))
      (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (local.get $gh)))
      (local.set $p (i32.add (local.get $o7) (i32.shl (i32.load8_u (i32.add (local.get $c7) (local.get $r))) (i32.const 4))))
      (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (local.get $gh)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $rows)))
  )
  ;; 4 features per pass over the rows
  (func $pass4 (param $hist i32) (param $list i32) (param $start i32) (param $end i32) (param $identity i32)
    (local $k i32) (local $r i32) (local $gh v128) (local $p i32) (local $f i32)
    (local $o0 i32) (local $c0 i32) (local $o1 i32) (local $c1 i32) (local $o2 i32) (local $c2 i32) (local $o3 i32) (local $c3 i32)
    (local.set $f (i32.load offset=0 (local.get $list)))
    (local.set $o0 (i32.add (local.get $hist) (i32.shl (i32.load (i32.add (global.get $tab) (i32.shl (local.get $f) (i32.const 3)))) (i32.const 3))))
    (local.set $c0 (i32.add (global.get $bins) (i32.mul (local.get $f) (global.get $n))))
    (local.set $f (i32.load offset=4 (local.get $list)))
    (local.set $o1 (i32.add (local.get $hist) (i32.shl (i32.load (i32.add (global.get $tab) (i32.shl (local.get $f) (i32.const 3)))) (i32.const 3))))
    (local.set $c1 (i32.add (global.get $bins) (i32.mul (local.get $f) (global.get $n))))
    (local.set $f (i32.load offset=8 (local.get $list)))
    (local.set $o2 (i32.add (local.get $hist) (i32.shl (i32.load (i32.add (global.get $tab) (i32.shl (local.get $f) (i32.const 3)))) (i32.const 3))))
    (local.set $c2 (i32.add (global.get $bins) (i32.mul (local.get $f) (global.get $n))))
    (local.set $f (i32.load offset=12 (local.get $list)))
    (local.set $o3 (i32.add (local.get $hist) (i32.shl (i32.load (i32.add (global.get $tab) (i32.shl (local.get $f) (i32.const 3)))) (i32.const 3))))
    (local.set $c3 (i32.add (global.get $bins) (i32.mul (local.get $f) (global.get $n))))
    (local.set $k (local.get $start))
    (block $done (loop $rows
      (br_if $done (i32.ge_s (local.get $k) (local.get $end)))
      (local.set $r (select (local.get $k) (i32.load (i32.add (global.get $rows) (i32.shl (local.get $k) (i32.const 2)))) (local.get $identity)))
      (local.set $gh (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (global.get $gh) (i32.shl (local.get $r) (i32.const 3))))))
      (local.set $p (i32.add (local.get $o0) (i32.shl (i32.load8_u (i32.add (local.get $c0) (local.get $r))) (i32.const 4))))
      (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (local.get $gh)))
      (local.set $p (i32.add (local.get $o1) (i32.shl (i32.load8_u (i32.add (local.get $c1) (local.get $r))) (i32.const 4))))
      (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (local.get $gh)))
      (local.set $p (i32.add (local.get $o2) (i32.shl (i32.load8_u (i32.add (local.get $c2) (local.get $r))) (i32.const 4))))
      (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (local.get $gh)))
      (local.set $p (i32.add (local.get $o3) (i32.shl (i32.load8_u (i32.add (local.get $c3) (local.get $r))) (i32.const 4))))
      (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (local.get $gh)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $rows)))
  )
  ;; 2 features per pass over the rows
  (func $pass2 (param $hist i32) (param $list i32) (param $start i32) (param $end i32) (param $identity i32)
    (local $k i32) (local $r i32) (local $gh v128) (local $p i32) (local $f i32)
    (local $o0 i32) (local $c0 i32) (local $o1 i32) (local $c1 i32)
    (local.set $f (i32.load offset=0 (local.get $list)))
    (local.set $o0 (i32.add (local.get $hist) (i32.shl (i32.load (i32.add (global.get $tab) (i32.shl (local.get $f) (i32.const 3)))) (i32.const 3))))
    (local.set $c0 (i32.add (global.get $bins) (i32.mul (local.get $f) (global.get $n))))
    (local.set $f (i32.load offset=4 (local.get $list)))
    (local.set $o1 (i32.add (local.get $hist) (i32.shl (i32.load (i32.add (global.get $tab) (i32.shl (local.get $f) (i32.const 3)))) (i32.const 3))))
    (local.set $c1 (i32.add (global.get $bins) (i32.mul (local.get $f) (global.get $n))))
    (local.set $k (local.get $start))
    (block $done (loop $rows
      (br_if $done (i32.ge_s (local.get $k) (local.get $end)))
      (local.set $r (select (local.get $k) (i32.load (i32.add (global.get $rows) (i32.shl (local.get $k) (i32.const 2)))) (local.get $identity)))
      (local.set $gh (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (global.get $gh) (i32.shl (local.get $r) (i32.const 3))))))
      (local.set $p (i32.add (local.get $o0) (i32.shl (i32.load8_u (i32.add (local.get $c0) (local.get $r))) (i32.const 4))))
      (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (local.get $gh)))
      (local.set $p (i32.add (local.get $o1) (i32.shl (i32.load8_u (i32.add (local.get $c1) (local.get $r))) (i32.const 4))))
      (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (local.get $gh)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $rows)))
  )
  ;; 1 feature per pass over the rows
  (func $pass1 (param $hist i32) (param $list i32) (param $start i32) (param $end i32) (param $identity i32)
    (local $k i32) (local $r i32) (local $gh v128) (local $p i32) (local $f i32)
    (local $o0 i32) (local $c0 i32)
    (local.set $f (i32.load offset=0 (local.get $list)))
    (local.set $o0 (i32.add (local.get $hist) (i32.shl (i32.load (i32.add (global.get $tab) (i32.shl (local.get $f) (i32.const 3)))) (i32.const 3))))
    (local.set $c0 (i32.add (global.get $bins) (i32.mul (local.get $f) (global.get $n))))
    (local.set $k (local.get $start))
    (block $done (loop $rows
      (br_if $done (i32.ge_s (local.get $k) (local.get $end)))
      (local.set $r (select (local.get $k) (i32.load (i32.add (global.get $rows) (i32.shl (local.get $k) (i32.const 2)))) (local.get $identity)))
      (local.set $gh (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (global.get $gh) (i32.shl (local.get $r) (i32.const 3))))))
      (local.set $p (i32.add (local.get $o0) (i32.shl (i32.load8_u (i32.add (local.get $c0) (local.get $r))) (i32.const 4))))
      (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (local.get $gh)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $rows)))
  )
)

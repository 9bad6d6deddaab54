;; The histogram kernels of gradient boosting (kernels.ts) in WebAssembly: building gradient
;; histograms, subtracting them, scanning numeric and categorical features' bins for their
;; best split, and partitioning a node's rows. They do the same arithmetic in the same order
;; as the JavaScript loops in kernels.ts (f64x2 lanes add and subtract each double on its
;; own), so a fit gives the same trees either way. Assembled and inlined in kernels-wasm.ts
;; (`npx -p wabt wat2wasm --enable-threads kernels.wat -o kernels.wasm && base64 -w0
;; kernels.wasm`).
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
  ;; Categorical splits' settings (catInit) and this thread's scratch: 256 category bins (i32)
  ;; at $scr, their keys (f64) at $scr + 1024, the left set's bits (8 x i32) at $scr + 3072.
  (global $lambda (mut f64) (f64.const 0))
  (global $mcw (mut f64) (f64.const 0))
  (global $catSmooth (mut f64) (f64.const 0))
  (global $catL2 (mut f64) (f64.const 0))
  (global $minGroup (mut f64) (f64.const 0))
  (global $maxCatThreshold (mut i32) (i32.const 0))
  (global $maxOnehot (mut i32) (i32.const 0))
  (global $scr (mut i32) (i32.const 0))

  ;; Where the fit's buffers are: bin bytes by column, gradient and hessian pairs (float32)
  ;; by row, the rows of the nodes, the feature table; and the number of rows.
  (func (export "init") (param $bins i32) (param $gh i32) (param $rows i32) (param $tab i32) (param $n i32)
    (global.set $bins (local.get $bins))
    (global.set $gh (local.get $gh))
    (global.set $rows (local.get $rows))
    (global.set $tab (local.get $tab))
    (global.set $n (local.get $n))
  )

  (func (export "catInit") (param $lambda f64) (param $mcw f64) (param $catSmooth f64) (param $catL2 f64)
        (param $minGroup f64) (param $maxCatThreshold i32) (param $maxOnehot i32) (param $scr i32)
    (global.set $lambda (local.get $lambda))
    (global.set $mcw (local.get $mcw))
    (global.set $catSmooth (local.get $catSmooth))
    (global.set $catL2 (local.get $catL2))
    (global.set $minGroup (local.get $minGroup))
    (global.set $maxCatThreshold (local.get $maxCatThreshold))
    (global.set $maxOnehot (local.get $maxOnehot))
    (global.set $scr (local.get $scr))
  )

  ;; The gain of sending (GL, HL) left, float32 as a double; -inf where a side is too light.
  (func $plainGain (param $GL f64) (param $HL f64) (param $G f64) (param $H f64) (param $parent f64) (result f64)
    (local $GR f64) (local $HR f64)
    (local.set $GR (f64.sub (local.get $G) (local.get $GL)))
    (local.set $HR (f64.sub (local.get $H) (local.get $HL)))
    (if (i32.or (i32.or (f64.lt (local.get $HL) (global.get $mcw)) (f64.lt (local.get $HR) (global.get $mcw)))
                (i32.or (f64.le (local.get $HL) (f64.const 0)) (f64.le (local.get $HR) (f64.const 0))))
      (then (return (f64.const -inf))))
    (f64.promote_f32 (f32.demote_f64
      (f64.sub
        (f64.add
          (f64.div (f64.mul (local.get $GL) (local.get $GL)) (f64.add (local.get $HL) (global.get $lambda)))
          (f64.div (f64.mul (local.get $GR) (local.get $GR)) (f64.add (local.get $HR) (global.get $lambda))))
        (local.get $parent))))
  )

  ;; A partition split's gain: as $plainGain, and the right side must keep min_data_per_group
  ;; rows; with cat_l2, over lambda + cat_l2 and less pen.
  (func $catGain (param $GL f64) (param $HL f64) (param $G f64) (param $H f64) (param $parent f64)
        (param $rowsPerH f64) (param $pen f64) (result f64)
    (local $GR f64) (local $HR f64) (local $lam f64)
    (local.set $GR (f64.sub (local.get $G) (local.get $GL)))
    (local.set $HR (f64.sub (local.get $H) (local.get $HL)))
    (if (i32.or
          (i32.or (i32.or (f64.lt (local.get $HL) (global.get $mcw)) (f64.lt (local.get $HR) (global.get $mcw)))
                  (i32.or (f64.le (local.get $HL) (f64.const 0)) (f64.le (local.get $HR) (f64.const 0))))
          (f64.lt (f64.mul (local.get $HR) (local.get $rowsPerH)) (global.get $minGroup)))
      (then (return (f64.const -inf))))
    (if (f64.eq (global.get $catL2) (f64.const 0))
      (then (return (call $plainGain (local.get $GL) (local.get $HL) (local.get $G) (local.get $H) (local.get $parent)))))
    (local.set $lam (f64.add (global.get $lambda) (global.get $catL2)))
    (f64.promote_f32 (f32.demote_f64
      (f64.sub
        (f64.add
          (f64.div (f64.mul (local.get $GL) (local.get $GL)) (f64.add (local.get $HL) (local.get $lam)))
          (f64.div (f64.mul (local.get $GR) (local.get $GR)) (f64.add (local.get $HR) (local.get $lam))))
        (local.get $pen))))
  )

  ;; The best split of categorical feature f, whose histogram is at o (nbf categories), in
  ;; a node without weight bounds or L1, as kernels.ts's evaluate finds it: one category
  ;; against the rest when few are present, else a prefix of the categories ordered by their
  ;; smoothed leaf weight, from either end. Returns the higher of best and the best gain
  ;; found; when higher, bestFeature and the bestBin ... globals say where, and the bits at
  ;; $scr + 3072 which categories go left.
  (func (export "scanCat") (param $f i32) (param $o i32) (param $nbf i32) (param $G f64) (param $H f64) (param $parent f64)
        (param $count f64) (param $best f64) (result f64)
    (local $idx i32) (local $key i32) (local $bits i32)
    (local $Gm f64) (local $Hm f64) (local $miss i32) (local $m i32) (local $b i32) (local $p i32) (local $hb f64)
    (local $single i32) (local $prefix i32) (local $dir i32) (local $prefixDir i32) (local $k i32)
    (local $GL f64) (local $HL f64) (local $gain f64) (local $rowsPerH f64) (local $pen f64)
    (local $most i32) (local $s i32) (local $group f64) (local $lam f64)
    (local $gap i32) (local $i i32) (local $j i32) (local $ki f64) (local $ii i32)
    (local.set $idx (global.get $scr))
    (local.set $key (i32.add (global.get $scr) (i32.const 1024)))
    (local.set $bits (i32.add (global.get $scr) (i32.const 3072)))
    (local.set $Gm (f64.load (local.get $o)))
    (local.set $Hm (f64.load offset=8 (local.get $o)))
    (local.set $miss (f64.gt (local.get $Hm) (f64.const 0)))
    ;; The categories present, with their keys.
    (local.set $b (i32.const 1))
    (block $listed (loop $list
      (br_if $listed (i32.gt_s (local.get $b) (local.get $nbf)))
      (local.set $p (i32.add (local.get $o) (i32.shl (local.get $b) (i32.const 4))))
      (local.set $hb (f64.load offset=8 (local.get $p)))
      (if (f64.gt (local.get $hb) (f64.const 0)) (then
        (i32.store (i32.add (local.get $idx) (i32.shl (local.get $m) (i32.const 2))) (local.get $b))
        (f64.store (i32.add (local.get $key) (i32.shl (local.get $m) (i32.const 3)))
          (f64.div (f64.load (local.get $p)) (f64.add (f64.add (local.get $hb) (global.get $lambda)) (global.get $catSmooth))))
        (local.set $m (i32.add (local.get $m) (i32.const 1)))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $list)))
    (if (i32.lt_s (i32.add (local.get $m) (local.get $miss)) (i32.const 2)) (then (return (local.get $best))))
    (local.set $single (i32.const -1))
    (local.set $prefix (i32.const -1))
    (local.set $prefixDir (i32.const 1))
    (local.set $k (local.get $m))
    (if (i32.le_s (local.get $m) (global.get $maxOnehot))
      (then
        ;; Each category against the rest, with the missing values right, then left.
        (local.set $p (i32.const 0))
        (block $done (loop $each
          (br_if $done (i32.ge_s (local.get $p) (local.get $m)))
          (local.set $b (i32.load (i32.add (local.get $idx) (i32.shl (local.get $p) (i32.const 2)))))
          (local.set $GL (f64.load (i32.add (local.get $o) (i32.shl (local.get $b) (i32.const 4)))))
          (local.set $HL (f64.load offset=8 (i32.add (local.get $o) (i32.shl (local.get $b) (i32.const 4)))))
          (local.set $gain (call $plainGain (local.get $GL) (local.get $HL) (local.get $G) (local.get $H) (local.get $parent)))
          (if (f64.gt (local.get $gain) (local.get $best)) (then
            (local.set $best (local.get $gain))
            (global.set $bestBin (i32.const 1))
            (global.set $bestDefaultLeft
              (select (i32.const 0) (f64.ge (local.get $HL) (f64.sub (local.get $H) (local.get $HL))) (local.get $miss)))
            (global.set $bestGL (local.get $GL))
            (global.set $bestHL (local.get $HL))
            (local.set $single (local.get $b))
            (local.set $prefix (i32.const -1))))
          (if (local.get $miss) (then
            (local.set $gain (call $plainGain (f64.add (local.get $GL) (local.get $Gm)) (f64.add (local.get $HL) (local.get $Hm))
              (local.get $G) (local.get $H) (local.get $parent)))
            (if (f64.gt (local.get $gain) (local.get $best)) (then
              (local.set $best (local.get $gain))
              (global.set $bestBin (i32.const 1))
              (global.set $bestDefaultLeft (i32.const 1))
              (global.set $bestGL (f64.add (local.get $GL) (local.get $Gm)))
              (global.set $bestHL (f64.add (local.get $HL) (local.get $Hm)))
              (local.set $single (local.get $b))
              (local.set $prefix (i32.const -1))))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $each))))
      (else
        ;; Categories with fewer than cat_smooth rows (estimated from the hessian) stay out.
        (local.set $rowsPerH (f64.div (local.get $count) (local.get $H)))
        (local.set $k (i32.const 0))
        (local.set $p (i32.const 0))
        (block $kept (loop $keep
          (br_if $kept (i32.ge_s (local.get $p) (local.get $m)))
          (local.set $b (i32.load (i32.add (local.get $idx) (i32.shl (local.get $p) (i32.const 2)))))
          (if (f64.ge (f64.mul (f64.load offset=8 (i32.add (local.get $o) (i32.shl (local.get $b) (i32.const 4)))) (local.get $rowsPerH))
                      (global.get $catSmooth))
            (then
              (i32.store (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2))) (local.get $b))
              (f64.store (i32.add (local.get $key) (i32.shl (local.get $k) (i32.const 3)))
                (f64.load (i32.add (local.get $key) (i32.shl (local.get $p) (i32.const 3)))))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $keep)))
        ;; Shell sort by key, ties by bin: kernels.ts's sortByKey, gap for gap.
        (local.set $gap (i32.shr_s (local.get $k) (i32.const 1)))
        (block $sorted (loop $gaps
          (br_if $sorted (i32.le_s (local.get $gap) (i32.const 0)))
          (local.set $i (local.get $gap))
          (block $pass (loop $items
            (br_if $pass (i32.ge_s (local.get $i) (local.get $k)))
            (local.set $ki (f64.load (i32.add (local.get $key) (i32.shl (local.get $i) (i32.const 3)))))
            (local.set $ii (i32.load (i32.add (local.get $idx) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $j (local.get $i))
            (block $placed (loop $shift
              (br_if $placed (i32.lt_s (local.get $j) (local.get $gap)))
              (local.set $p (i32.sub (local.get $j) (local.get $gap)))
              (br_if $placed (i32.eqz (i32.or
                (f64.gt (f64.load (i32.add (local.get $key) (i32.shl (local.get $p) (i32.const 3)))) (local.get $ki))
                (i32.and
                  (f64.eq (f64.load (i32.add (local.get $key) (i32.shl (local.get $p) (i32.const 3)))) (local.get $ki))
                  (i32.gt_s (i32.load (i32.add (local.get $idx) (i32.shl (local.get $p) (i32.const 2)))) (local.get $ii))))))
              (f64.store (i32.add (local.get $key) (i32.shl (local.get $j) (i32.const 3)))
                (f64.load (i32.add (local.get $key) (i32.shl (local.get $p) (i32.const 3)))))
              (i32.store (i32.add (local.get $idx) (i32.shl (local.get $j) (i32.const 2)))
                (i32.load (i32.add (local.get $idx) (i32.shl (local.get $p) (i32.const 2)))))
              (local.set $j (local.get $p))
              (br $shift)))
            (f64.store (i32.add (local.get $key) (i32.shl (local.get $j) (i32.const 3))) (local.get $ki))
            (i32.store (i32.add (local.get $idx) (i32.shl (local.get $j) (i32.const 2))) (local.get $ii))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $items)))
          (local.set $gap (select (i32.const 1)
            (i32.trunc_f64_s (f64.div (f64.convert_i32_s (local.get $gap)) (f64.const 2.2)))
            (i32.eq (local.get $gap) (i32.const 2))))
          (br $gaps)))
        (local.set $lam (f64.add (global.get $lambda) (global.get $catL2)))
        (local.set $pen (select
          (f64.div (f64.mul (local.get $G) (local.get $G)) (f64.add (local.get $H) (local.get $lam)))
          (local.get $parent)
          (f64.gt (global.get $catL2) (f64.const 0))))
        (local.set $most (select (global.get $maxCatThreshold) (i32.shr_s (i32.add (local.get $k) (i32.const 1)) (i32.const 1))
          (i32.lt_s (global.get $maxCatThreshold) (i32.shr_s (i32.add (local.get $k) (i32.const 1)) (i32.const 1)))))
        ;; Prefixes from the low end (dir 1), then from the high end (dir -1).
        (local.set $dir (i32.const 1))
        (block $dirs (loop $directions
          (br_if $dirs (i32.lt_s (local.get $dir) (i32.const -1)))
          (local.set $GL (f64.const 0))
          (local.set $HL (f64.const 0))
          (local.set $group (f64.const 0))
          (local.set $s (i32.const 0))
          (block $grown (loop $grow
            (br_if $grown (i32.ge_s (local.get $s) (local.get $most)))
            (local.set $b (i32.load (i32.add (local.get $idx) (i32.shl
              (select (local.get $s) (i32.sub (i32.sub (local.get $k) (i32.const 1)) (local.get $s)) (i32.gt_s (local.get $dir) (i32.const 0)))
              (i32.const 2)))))
            (local.set $p (i32.add (local.get $o) (i32.shl (local.get $b) (i32.const 4))))
            (local.set $GL (f64.add (local.get $GL) (f64.load (local.get $p))))
            (local.set $HL (f64.add (local.get $HL) (f64.load offset=8 (local.get $p))))
            (local.set $group (f64.add (local.get $group) (f64.mul (f64.load offset=8 (local.get $p)) (local.get $rowsPerH))))
            (br_if $grown (f64.lt (f64.mul (f64.sub (local.get $H) (local.get $HL)) (local.get $rowsPerH)) (global.get $minGroup)))
            (if (f64.ge (local.get $group) (global.get $minGroup)) (then
              (local.set $group (f64.const 0))
              (local.set $gain (call $catGain (local.get $GL) (local.get $HL) (local.get $G) (local.get $H) (local.get $parent)
                (local.get $rowsPerH) (local.get $pen)))
              (if (f64.gt (local.get $gain) (local.get $best)) (then
                (local.set $best (local.get $gain))
                (global.set $bestBin (i32.add (local.get $s) (i32.const 1)))
                (global.set $bestDefaultLeft
                  (select (i32.const 0) (f64.ge (local.get $HL) (f64.sub (local.get $H) (local.get $HL))) (local.get $miss)))
                (global.set $bestGL (local.get $GL))
                (global.set $bestHL (local.get $HL))
                (local.set $prefix (local.get $s))
                (local.set $prefixDir (local.get $dir))
                (local.set $single (i32.const -1))))
              (if (local.get $miss) (then
                (local.set $gain (call $catGain (f64.add (local.get $GL) (local.get $Gm)) (f64.add (local.get $HL) (local.get $Hm))
                  (local.get $G) (local.get $H) (local.get $parent) (local.get $rowsPerH) (local.get $pen)))
                (if (f64.gt (local.get $gain) (local.get $best)) (then
                  (local.set $best (local.get $gain))
                  (global.set $bestBin (i32.add (local.get $s) (i32.const 1)))
                  (global.set $bestDefaultLeft (i32.const 1))
                  (global.set $bestGL (f64.add (local.get $GL) (local.get $Gm)))
                  (global.set $bestHL (f64.add (local.get $HL) (local.get $Hm)))
                  (local.set $prefix (local.get $s))
                  (local.set $prefixDir (local.get $dir))
                  (local.set $single (i32.const -1))))))))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (br $grow)))
          (local.set $dir (i32.sub (local.get $dir) (i32.const 2)))
          (br $directions)))))
    ;; The left set, when this feature improved on best.
    (if (i32.or (i32.ge_s (local.get $single) (i32.const 1)) (i32.ge_s (local.get $prefix) (i32.const 0))) (then
      (global.set $bestFeature (local.get $f))
      (memory.fill (local.get $bits) (i32.const 0) (i32.const 32))
      (if (i32.ge_s (local.get $single) (i32.const 1))
        (then (call $setBit (local.get $bits) (local.get $single)))
        (else
          (local.set $p (i32.const 0))
          (block $set (loop $prefixes
            (br_if $set (i32.gt_s (local.get $p) (local.get $prefix)))
            (call $setBit (local.get $bits) (i32.load (i32.add (local.get $idx) (i32.shl
              (select (local.get $p) (i32.sub (i32.sub (local.get $k) (i32.const 1)) (local.get $p)) (i32.gt_s (local.get $prefixDir) (i32.const 0)))
              (i32.const 2)))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $prefixes)))))
      (if (global.get $bestDefaultLeft) (then (call $setBit (local.get $bits) (i32.const 0))))))
    (local.get $best)
  )

  (func $setBit (param $bits i32) (param $b i32)
    (local $w i32)
    (local.set $w (i32.add (local.get $bits) (i32.shl (i32.shr_u (local.get $b) (i32.const 5)) (i32.const 2))))
    (i32.store (local.get $w) (i32.or (i32.load (local.get $w)) (i32.shl (i32.const 1) (i32.and (local.get $b) (i32.const 31)))))
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

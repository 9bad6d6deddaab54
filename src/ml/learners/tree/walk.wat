;; Forests' prediction walk (packed.ts): every tree over a run of rows, summing the leaf
;; values each row reaches, several rows at a time. A step down a tree is a load of its node,
;; a load of the row's value and a compare: each waits on the one before, and which child
;; comes next is a coin flip to the CPU. So rows walk in LANES lanes, one step of each lane
;; in turn (their loads overlap), and the child is chosen by select (no branch to mispredict);
;; a lane whose row reaches its leaf adds the leaf's values and takes the next row. Assembled
;; and inlined as base64 in walk-wasm.ts (`npx -p wabt wat2wasm --enable-threads walk.wat -o
;; walk.wasm && base64 -w0 walk.wasm`).
;;
;; Nodes are 16 bytes: threshold f64, feature i32 (-1: a leaf), then the right child's index
;; (the left child is the next node) or the leaf's offset in leaf values. Offsets in bytes.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; out[i * w, (i + 1) * w) += leaf[lv, lv + w)
  (func $addLeaf (param $out i32) (param $i i32) (param $leaf i32) (param $lv i32) (param $w i32)
    (local $c i32) (local $o i32) (local $p i32)
    (local.set $o (i32.add (local.get $out) (i32.shl (i32.mul (local.get $i) (local.get $w)) (i32.const 3))))
    (local.set $p (i32.add (local.get $leaf) (i32.shl (local.get $lv) (i32.const 3))))
    (loop $class
      (f64.store (local.get $o) (f64.add (f64.load (local.get $o)) (f64.load (local.get $p))))
      (local.set $o (i32.add (local.get $o) (i32.const 8)))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br_if $class (i32.lt_u (local.get $c) (local.get $w)))))

  ;; Lane q (12 bytes at $lane): node k (-1: idle), row i, the row's address. Starts row
  ;; $next at the root if rows are left, else idles; returns the next row to hand out.
  (func $take (param $q i32) (param $next i32) (param $m i32) (param $root i32) (param $X i32) (param $d8 i32)
    (result i32)
    (if (i32.ge_s (local.get $next) (local.get $m))
      (then
        (i32.store (local.get $q) (i32.const -1))
        (return (local.get $next))))
    (i32.store (local.get $q) (local.get $root))
    (i32.store offset=4 (local.get $q) (local.get $next))
    (i32.store offset=8 (local.get $q) (i32.add (local.get $X) (i32.mul (local.get $next) (local.get $d8))))
    (i32.add (local.get $next) (i32.const 1)))

  ;; For each tree t < nt (root node roots[t]), in order: every row i < m of X (row-major, d8
  ;; bytes a row) walked to its leaf, whose w values are added to out[i * w, (i + 1) * w).
  ;; lanes: room for LANES lanes of 12 bytes.
  (func (export "walk")
    (param $nodes i32) (param $roots i32) (param $nt i32) (param $X i32) (param $d8 i32) (param $m i32)
    (param $leaf i32) (param $w i32) (param $out i32) (param $lanes i32)
    (local $t i32) (local $root i32) (local $next i32) (local $q i32) (local $end i32) (local $live i32)
    (local $k i32) (local $p i32) (local $f i32)
    (local.set $end (i32.add (local.get $lanes) (i32.const 96))) ;; LANES = 8
    (block $treesDone
      (br_if $treesDone (i32.eqz (local.get $nt)))
      (loop $tree
        (local.set $root (i32.load (i32.add (local.get $roots) (i32.shl (local.get $t) (i32.const 2)))))
        (local.set $next (i32.const 0))
        (local.set $q (local.get $lanes))
        (loop $start
          (local.set $next (call $take (local.get $q) (local.get $next) (local.get $m) (local.get $root)
            (local.get $X) (local.get $d8)))
          (local.set $q (i32.add (local.get $q) (i32.const 12)))
          (br_if $start (i32.lt_u (local.get $q) (local.get $end))))
        (loop $step
          (local.set $live (i32.const 0))
          (local.set $q (local.get $lanes))
          (loop $lane
            (local.set $k (i32.load (local.get $q)))
            (if (i32.ge_s (local.get $k) (i32.const 0))
              (then
                (local.set $live (i32.const 1))
                (local.set $p (i32.add (local.get $nodes) (i32.shl (local.get $k) (i32.const 4))))
                (local.set $f (i32.load offset=8 (local.get $p)))
                (if (i32.lt_s (local.get $f) (i32.const 0))
                  (then
                    (call $addLeaf (local.get $out) (i32.load offset=4 (local.get $q)) (local.get $leaf)
                      (i32.load offset=12 (local.get $p)) (local.get $w))
                    (local.set $next (call $take (local.get $q) (local.get $next) (local.get $m) (local.get $root)
                      (local.get $X) (local.get $d8))))
                  (else
                    ;; Left (the next node) when x <= threshold; NaN goes right.
                    (i32.store (local.get $q)
                      (select
                        (i32.add (local.get $k) (i32.const 1))
                        (i32.load offset=12 (local.get $p))
                        (f64.le
                          (f64.load (i32.add (i32.load offset=8 (local.get $q)) (i32.shl (local.get $f) (i32.const 3))))
                          (f64.load (local.get $p)))))))))
            (local.set $q (i32.add (local.get $q) (i32.const 12)))
            (br_if $lane (i32.lt_u (local.get $q) (local.get $end))))
          (br_if $step (local.get $live)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br_if $tree (i32.lt_u (local.get $t) (local.get $nt))))))
)

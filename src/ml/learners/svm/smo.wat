;; The hot loops of the SMO solver (smo.ts) in WebAssembly: picking the working pair and
;; updating the gradient over the active set. They do the same arithmetic in the same order
;; as the JavaScript loops they replace, so a fit gives the same model either way. Assembled
;; and inlined in smo-wasm.ts (`npx -p wabt wat2wasm smo.wat -o smo.wasm && base64 -w0
;; smo.wasm`). Addresses are bytes: act (i32), penUp, penLow, yg, QD, ygBar (f64), and the
;; two kernel columns of the step (f32), all in the memory smo-wasm.ts lays out.
(module
  (import "env" "memory" (memory 1))
  (global $Gmax (export "Gmax") (mut f64) (f64.const 0))
  (global $Gmax2 (export "Gmax2") (mut f64) (f64.const 0))
  (global $best (mut f64) (f64.const 0))
  (global $j (mut i32) (i32.const 0))

  ;; i: the active variable with the largest penUp[t] - yg[t], the last of equals. Returns
  ;; it (-1 if none); Gmax holds the value.
  (func (export "pickI") (param $act i32) (param $na i32) (param $penUp i32) (param $yg i32) (result i32)
    (local $u i32) (local $t i32) (local $v f64) (local $i i32) (local $g f64)
    (local.set $i (i32.const -1))
    (local.set $g (f64.const -inf))
    (block $done (loop $each
      (br_if $done (i32.ge_s (local.get $u) (local.get $na)))
      (local.set $t (i32.shl (i32.load (i32.add (local.get $act) (i32.shl (local.get $u) (i32.const 2)))) (i32.const 3)))
      (local.set $v (f64.sub (f64.load (i32.add (local.get $penUp) (local.get $t))) (f64.load (i32.add (local.get $yg) (local.get $t)))))
      (if (f64.ge (local.get $v) (local.get $g)) (then
        (local.set $g (local.get $v))
        (local.set $i (i32.shr_u (local.get $t) (i32.const 3)))))
      (local.set $u (i32.add (local.get $u) (i32.const 1)))
      (br $each)))
    (global.set $Gmax (local.get $g))
    (local.get $i)
  )

;; j for the i whose kernel column is ki: among the active variables, the one whose pair
  ;; with i decreases the objective most, the last of equals; Gmax2 the largest
  ;; penLow[t] + yg[t]. Positions [0, mid) hold rows t, positions [mid, na) regression's
  ;; second variables, rows t - l. Returns j (-1: none).
  (func (export "pickJ") (param $act i32) (param $mid i32) (param $na i32) (param $l i32) (param $penLow i32)
        (param $yg i32) (param $QD i32) (param $ki i32) (param $QDi f64) (param $Gmax f64) (result i32)
    (global.set $Gmax2 (f64.const -inf))
    (global.set $j (i32.const -1))
    (global.set $best (f64.const inf))
    (call $pickJRange (local.get $act) (i32.const 0) (local.get $mid) (i32.const 0) (local.get $penLow)
      (local.get $yg) (local.get $QD) (local.get $ki) (local.get $QDi) (local.get $Gmax))
    (call $pickJRange (local.get $act) (local.get $mid) (local.get $na) (local.get $l) (local.get $penLow)
      (local.get $yg) (local.get $QD) (local.get $ki) (local.get $QDi) (local.get $Gmax))
    (global.get $j)
  )

  ;; pickJ over positions u0..u1, kernel entries at t - shift in ki, carrying on from the globals.
  (func $pickJRange (param $act i32) (param $u0 i32) (param $u1 i32) (param $shift i32) (param $penLow i32)
        (param $yg i32) (param $QD i32) (param $ki i32) (param $QDi f64) (param $Gmax f64)
    (local $u i32) (local $t i32) (local $t8 i32) (local $v f64) (local $diff f64) (local $a f64) (local $obj f64)
    (local $g2 f64) (local $best f64) (local $j i32)
    (local.set $g2 (global.get $Gmax2))
    (local.set $best (global.get $best))
    (local.set $j (global.get $j))
    (local.set $u (local.get $u0))
    (block $done (loop $each
      (br_if $done (i32.ge_s (local.get $u) (local.get $u1)))
      (local.set $t (i32.load (i32.add (local.get $act) (i32.shl (local.get $u) (i32.const 2)))))
      (local.set $t8 (i32.shl (local.get $t) (i32.const 3)))
      (local.set $v (f64.add (f64.load (i32.add (local.get $penLow) (local.get $t8))) (f64.load (i32.add (local.get $yg) (local.get $t8)))))
      (if (f64.ge (local.get $v) (local.get $g2)) (then (local.set $g2 (local.get $v))))
      (local.set $diff (f64.add (local.get $Gmax) (local.get $v)))
      (if (f64.gt (local.get $diff) (f64.const 0)) (then
        (local.set $a (f64.sub
          (f64.add (local.get $QDi) (f64.load (i32.add (local.get $QD) (local.get $t8))))
          (f64.mul (f64.const 2) (f64.promote_f32 (f32.load (i32.add (local.get $ki)
            (i32.shl (i32.sub (local.get $t) (local.get $shift)) (i32.const 2))))))))
        (local.set $obj (f64.div (f64.neg (f64.mul (local.get $diff) (local.get $diff)))
          (select (local.get $a) (f64.const 1e-12) (f64.gt (local.get $a) (f64.const 0)))))
        (if (f64.le (local.get $obj) (local.get $best)) (then
          (local.set $j (local.get $t))
          (local.set $best (local.get $obj))))))
      (local.set $u (i32.add (local.get $u) (i32.const 1)))
      (br $each)))
    (global.set $Gmax2 (local.get $g2))
    (global.set $best (local.get $best))
    (global.set $j (local.get $j))
  )

  ;; yg[t] += ci ki[r] + cj kj[r] over the active set, r = t below l, else t - l.
  (func (export "update") (param $act i32) (param $na i32) (param $l i32) (param $yg i32) (param $ki i32) (param $kj i32)
        (param $ci f64) (param $cj f64)
    (local $u i32) (local $t i32) (local $r4 i32) (local $p i32)
    (block $done (loop $each
      (br_if $done (i32.ge_s (local.get $u) (local.get $na)))
      (local.set $t (i32.load (i32.add (local.get $act) (i32.shl (local.get $u) (i32.const 2)))))
      (local.set $r4 (i32.shl (select (local.get $t) (i32.sub (local.get $t) (local.get $l)) (i32.lt_s (local.get $t) (local.get $l))) (i32.const 2)))
      (local.set $p (i32.add (local.get $yg) (i32.shl (local.get $t) (i32.const 3))))
      (f64.store (local.get $p) (f64.add (f64.load (local.get $p))
        (f64.add
          (f64.mul (local.get $ci) (f64.promote_f32 (f32.load (i32.add (local.get $ki) (local.get $r4)))))
          (f64.mul (local.get $cj) (f64.promote_f32 (f32.load (i32.add (local.get $kj) (local.get $r4))))))))
      (local.set $u (i32.add (local.get $u) (i32.const 1)))
      (br $each)))
  )

  ;; ygBar[t] += c k[r] for every variable t < n, r = t below l, else t - l.
  (func (export "addColumn") (param $ygBar i32) (param $k i32) (param $l i32) (param $n i32) (param $c f64)
    (local $t i32) (local $p i32)
    (block $done (loop $each
      (br_if $done (i32.ge_s (local.get $t) (local.get $n)))
      (local.set $p (i32.add (local.get $ygBar) (i32.shl (local.get $t) (i32.const 3))))
      (f64.store (local.get $p) (f64.add (f64.load (local.get $p))
        (f64.mul (local.get $c) (f64.promote_f32 (f32.load (i32.add (local.get $k)
          (i32.shl (select (local.get $t) (i32.sub (local.get $t) (local.get $l)) (i32.lt_s (local.get $t) (local.get $l))) (i32.const 2))))))))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $each)))
  )
)

/**
 * A tree grower's passes over a node's rows, in WebAssembly. Extra trees on values (GrowData.columns): the
 * gather of one feature's values with their min and max, and the count of the rows at or
 * below the drawn threshold with their targets; for a node of a few rows, both for every
 * candidate in one call. On codes of one or two bytes (bins grouping values): the min and max code and the
 * count at or below the cut, for every candidate, by blocks of rows, and the reads of a sparse
 * (one-hot) feature through its rows outside the dominant bin. The best splitter (random
 * forests, decision trees) on codes: the dense histogram pass, the sparse features' bins,
 * and the split of a node's rows with its left side's stats. About twice the speed of
 * the same loops in JavaScript, where each typed-array load and store costs about as much as
 * a cache miss here (measured: 3.3 against 1.6 ns a row gathering values on
 * california_housing; 3.3 against 1.5 ns a row and feature counting codes on a table shaped
 * as metro_traffic; random forest on metro_traffic 15-20% faster in all). Extra trees (two
 * classes or regression, every row once) grow whole subtrees in one call (growSubtree: the
 * grower's own node loop, draws and arithmetic, a row's codes read as vectors of every
 * feature at once); the best splitter's sorted path and dense histogram scan run here too
 * (sortedScan, scanDense). The module is tree-passes.wat beside this file, assembled and inlined
 * below as base64 (`npx -p wabt wat2wasm tree-passes.wat -o tree-passes.wasm && base64
 * -w0 tree-passes.wasm`).
 *
 * An instance holds a copy of one GrowData's columns (or codes) and targets, and the
 * per-node buffers of the grower using it (the best splitter's histogram block among them). Each thread keeps one per GrowData, so the trees
 * of a fit share the copy; a grower holds it while it grows (a second grower at the same
 * time gets its own).
 */
import type { Rng } from '../../../core/random.js';
import type { GrowData } from './grower.js';
import { instantiateSized, lazyModule } from '../kit/wasm.js';

const WASM =
  'AGFzbQEAAAABogIeYAF/AGAEf39/fwBgBH9/f3wBf2AEf39/fABgBX9/f3x/AGAHf39/f398fwBgB39/f398f38Bf2AKf39/f3x/f39/fwF/YAABfGAKf39/f39/f39/fwBgCH9/f39/f39/AGAJf39/f39/f39/AGANf39/f39/f39/f39/fwBgD39/f39/f39/f39/f39/fwF/YA9/f39/f39/f39/f39/f38AYAd/f39/f39/AX9gDn9/f39/f39/f39/f39/AX9gA39/fwF8YAh/f39/f39/fwF/YAJ7ewF7YAd/f39/f39/AGADf397AGACf3sAYAF/AX9gA39/fwBgAX8BfGAHf398f39/fABgBH9/f38Bf2AGf39/f39/AGAFf39/f38BfwIPAQNlbnYGbWVtb3J5AgABAywrAAECAwQFBgcBCAkKCwwNCw4PEBESExMUExMLFRYWABcYGRoCGxsbGxQcHQaOAjB/AUH/AQt/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfAFEAAAAAAAAAAALfAFEAAAAAAAAAAALfwFBfwt/AUF/C3wBRAAAAAAAAAAAC3wBRAAAAAAAAAAAC38BQQALfwFBAAt/AUEACwfzARMLc2V0Q29kZU1hc2sAAAZnYXRoZXIAAQhjb3VudFN1bQADCmNvdW50U2xvdHMABA1jb3VudFdlaWdodGVkAAUJcGFydGl0aW9uAAYOcGFydGl0aW9uU3RhdHMABwhyZW51bWJlcgAIBHRpbnkACgpjb2Rlc1JhbmdlAAsKY29kZXNDb3VudAAMCWhpc3REZW5zZQANCnNwYXJzZUJpbnMADgtzcGFyc2VSYW5nZQAPCnNwYXJzZUxlZnQAEApzb3J0ZWRTY2FuABIJc2NhbkRlbnNlABQMc3VidHJlZVNldHVwAB4LZ3Jvd1N1YnRyZWUAKgq0SSsGACAAJAAL/QEDA3sBfwJ8RAAAAAAAAPB//RQhBUQAAAAAAADw//0UIQYgASACQX5xQQJ0aiEHAkAgASAHTw0AA0AgACABKAIAQQN0aisDAP0UIAAgASgCBEEDdGorAwD9IgEhBCADIAT9CwQAIAQgBf32ASEFIAQgBv33ASEGIAFBCGohASADQRBqIQMgASAHSQ0ACwsgAkEBcQRAIAAgASgCAEEDdGorAwD9FCEEIAMgBP1bAwAAIAQgBf32ASEFIAQgBv33ASEGCyAF/SEAIQggBf0hASEJQQAgCSAIIAkgCGMbOQMAIAb9IQAhCCAG/SEBIQlBCCAJIAggCSAIZBs5AwALiwIEA38EewN8AX8gA/0UIQcgACACQQN0aiEEAkAgACAETw0AA0AgAEGAEGohBSAFIARLBEAgBCEFCyAFIAUgAGtBCHFrIQb9DAAAAAAAAAAAAAAAAAAAAAAhCgJAIAAgBk8NAANAIAD9AAQAIAf9SyEIIAkgCP3RASEJIAogCCAB/QAEAP1O/fABIQogAEEQaiEAIAFBEGohASAAIAZJDQALCyAK/SEAIQ0gACAFSQRAIAArAwAgA2W4IQwgDiAMq2ohDiANIAwgASsDAKKgIQ0gAEEIaiEAIAFBCGohAQsgCyANIAr9IQGgoCELIAAgBEkNAAsLQRggCzkDACAOIAn9HQAgCf0dAXynagsSAEEQIAAgASACIAMQArg5AwALZwMBfwJ8AX8gACACQQN0aiEFAkAgACAFTw0AA0AgACsDACADZbghBiAHIAagIQcgBCABKAIAQQN0aiEIIAggCCsDACAGoDkDACAAQQhqIQAgAUEEaiEBIAAgBUkNAAsLQRAgBzkDAAvBAQQCfwF8AX8DfCAAIARBA3RqIQcCQCAAIAdPDQADQCAAQYAQaiEIIAggB0sEQCAHIQgLRAAAAAAAAAAAIQ0DQCAAKwMAIAVluCEJIAsgCaAhCyANIAErAwAgCaKgIQ0gBiACKAIAQQN0aiEKIAogCisDACADKwMAIAmioDkDACAAQQhqIQAgAUEIaiEBIAJBBGohAiADQQhqIQMgACAISQ0ACyAMIA2gIQwgACAHSQ0ACwtBECALOQMAQRggDDkDAAvQAQIGfwN8IAIhByACIQkgBiEKIAIgA0ECdGohCAJAIAcgCE8NAANAIAcoAgAhCyABBH8jACAAIAsgAWxqLwEAcbggBGUFIAAgC0EDdGorAwAgBGULIQwgCSALNgIAIAogCzYCACAJIAxBAnRqIQkgCiAMQQFzQQJ0aiEKIAy4IAUgC0EDdGorAwCiIQ0gDiANoCEOIA8gDSANoqAhDyAHQQRqIQcgByAISQ0ACwsgCSAGIAogBmv8CgAAQRggDjkDAEEIIA85AwAgCSACa0ECdgvHAgMGfwZ8AX8gAiEKIAIhDCAJIQ0gAiADQQJ0aiELAkAgCiALTw0AA0AgCigCACEOIAEEfyMAIAAgDiABbGovAQBxuCAEZQUgACAOQQN0aisDACAEZQshDyAMIA42AgAgDSAONgIAIAwgD0ECdGohDCANIA9BAXNBAnRqIQ0gD7ghEEQAAAAAAADwPyERIAdBAXFFBEAgBiAOQQN0aisDACERCyAQIBGiIREgEyARoCETIAUgDkEDdGorAwAhEiAHQQJJBEAgCCASqkECakEDdGohFiAWIBYrAwAgEaA5AwAFIBQgESASoqAhFCAVIBEgEqIgEqKgIRULIApBBGohCiAKIAtJDQALCyAMIAkgDSAJa/wKAAAgDCACa0ECdiEPIAggEzkDACAIIA+4OQMIIAdBAk8EQCAIIBQ5AxAgCCAVOQMYCyAPC0QBAn8gACEEIAAgAUECdGohBQJAIAQgBU8NAANAIAMgBCgCAEECdGogAjYCACACQQFqIQIgBEEEaiEEIAQgBUkNAAsLC1IBAX9BICgCAEH1863pBmohAEEgIAA2AgAgACAAQQ92cyAAQQFybCEAIAAgACAAIABBB3ZzIABBPXJsanMhACAAIABBDnZzuEQAAAAAAADwQaMLtwEDAX8DfAF/IAQgAiADIAUQAQJAIAhFDQADQCAAIAcgCkECdGooAgAgAWxqIAIgAyAGEAFBACsDACELQQgrAwAhDCAJIApBGGxqIQ4gDCALREivvJry13o+oGUEQCAORAAAAAAAAPC/OQMIBSALEAkgDCALoaKgIQ0gDSAMZgRAIAshDQsgDiANOQMAIA4gBiAFIAMgDRACuDkDCCAOQRgrAwA5AxALIApBAWohCiAKIAhJDQALCwvTAQEJfwJAA0AgCCADTw0BIAhBgAJqIQkgCSADSwRAIAMhCQtBACELAkADQCALIAVPDQEgC0ECdCEQIAQgEGooAgAhDCAMQQBOBEAgACAMaiEMIAYgEGooAgAhDiAHIBBqKAIAIQ8gCCEKA0AjACAMIAIgCkECdGooAgAgAWxqLwEAcSENIA0gDiANIA5IGyEOIA0gDyANIA9KGyEPIApBAWohCiAKIAlJDQALIAYgEGogDjYCACAHIBBqIA82AgALIAtBAWohCwwACwsgCSEIDAALCwvyAQMJfwF8AX8CQANAIAkgA08NASAJQYACaiEKIAogA0sEQCADIQoLQQAhDAJAA0AgDCAGTw0BIAUgDEECdGooAgAhDiAOQQBOBEAgACAEIAxBAnRqKAIAaiENQQAhEUQAAAAAAAAAACESIAkhCwNAIAIgC0ECdGooAgAhDyMAIA0gDyABbGovAQBxIA5NIRAgESAQaiERIBIgELggByAPQQN0aisDAKKgIRIgC0EBaiELIAsgCkkNAAsgCCAMQRhsaiETIBMgEysDCCARuKA5AwggEyATKwMQIBKgOQMQCyAMQQFqIQwMAAsLIAohCQwACwsLsAIDB38CfAF/AkAgA0UgB0VyDQADQCACIA1BAnRqKAIAIQ4gACAOIAFsaiEPRAAAAAAAAPA/IRQgDEEBcUUEQCALIA5BA3RqKwMAIRQLIAogDkEDdGorAwAhFSAMQQJJBEAgFapBAmpBA3QhEwUgDEECRgRAIBQgFaIhFQsLQQAhEANAIBBBAnQhFiMAIA8gBCAWaigCAGovAQBxIREgESAFIBZqKAIARwRAIAkgBiAWaigCACARaiAIbGohEiASIBIrAwhEAAAAAAAA8D+gOQMIIAxBAkkEQCASIBNqIRIgEiASKwMAIBSgOQMABSAMQQJGBEAgEiASKwMAIBSgOQMACyASIBIrAxAgFaA5AxALCyAQQQFqIRAgECAHSQ0ACyANQQFqIQ0gDSADSQ0ACwsL5QEDBX8DfAN/IAggB2shECAAIAJqIRgCQCAEIAVODQADQCADIARBAnRqKAIAIQ8gBiAPQQJ0aigCACAHayAQSSERIwAgGCAPIAFsai8BAHEhEiAJIBIgCmxqIRMgEysDCCEUIA4gF0ECdGogEjYCACAXIBEgFEQAAAAAAAAAAGFxaiEXIBG4IRUgEyAUIBWgOQMIIBUhFiANQQFxRQRAIBUgDCAPQQN0aisDAKIhFgsgEyALIA9BA3RqKwMAqkECakEDdGohGSAZIBkrAwAgFqA5AwAgBEEBaiEEIAQgBUgNAAsLIBcLnQEBBn9B/////wchC0F/IQwgCCAHayEOAkAgBCAFTg0AA0AgAyAEQQJ0aigCACEJIAYgCUECdGooAgAgB2sgDkkEQCANQQFqIQ0jACAAIAJqIAkgAWxqLwEAcSEKIAogCyAKIAtIGyELIAogDCAKIAxKGyEMCyAEQQFqIQQgBCAFSA0ACwtBACALtzkDAEEIIAy3OQMAQRAgDbc5AwALnQIDAn8CfAJ/IAggB2shEAJAIAQgBU4NAANAIAMgBEECdGooAgAhDyAGIA9BAnRqKAIAIAdrIBBJBEBEAAAAAAAA8D8hESAMQQFxRQRAIAsgD0EDdGorAwAhEQsgCiAPQQN0aisDACESIAxBAkkEQCASqkECakEDdCETIBEhEgVBECETIBEgEqIhEgsgDSANKwMAIBGgOQMAIA0gDSsDCEQAAAAAAADwP6A5AwggDSATaiEUIBQgFCsDACASoDkDACMAIAAgAmogDyABbGovAQBxIAlMBEAgDiAOKwMAIBGgOQMAIA4gDisDCEQAAAAAAADwP6A5AwggDiATaiEUIBQgFCsDACASoDkDAAsLIARBAWohBCAEIAVIDQALCwuUBAEQf0H/////ByESQX8hEwNAIwAgACACIAdBAnRqKAIAIAFsai8BAHEhECAQIBIgECASSBshEiAQIBMgECATShshEyAEIAdBAnRqIBBBEHQgB3I2AgAgB0EBaiEHIAcgA0kNAAsgA0EgTQRAQQEhCAJAA0AgCCADTw0BIAQgCEECdGooAgAhCiAIIQkCQANAIAlFDQEgBCAJQQFrQQJ0aigCACERIBEgCk0NASAEIAlBAnRqIBE2AgAgCUEBayEJDAALCyAEIAlBAnRqIAo2AgAgCEEBaiEIDAALCyAEDwsgBCELIAUhDEEQIQ0gEyASa0EBaiEUQQEhFUF/IRYgFEGAEEsEQEEAIRJBgAIhFEECIRVB/wEhFgsDQCAGQQAgFEECdPwLAEEAIQcDQCAGIAsgB0ECdGooAgAgDXYgEmsgFnFBAnRqIRAgECAQKAIAQQFqNgIAIAdBAWohByAHIANJDQALQQAhD0EAIQgDQCAGIAhBAnRqIRAgECgCACERIBAgDzYCACAPIBFqIQ8gCEEBaiEIIAggFEkNAAtBACEHA0AgCyAHQQJ0aigCACEKIAYgCiANdiASayAWcUECdGohECAQKAIAIREgECARQQFqNgIAIAwgEUECdGogCjYCACAHQQFqIQcgByADSQ0ACyALIREgDCELIBEhDCANQQhqIQ0gDkEBaiEOIA4gFUkNAAsgCwvhAgMGfwN8BH8gACABIAIgAyALIAwgDRARIQ4gDigCAEEQdiAOIANBAWtBAnRqKAIAQRB2RgRAQQEPC0ECIARBAiAEG2ohGiAGQQAgGkEDdPwLAEQAAAAAAADw/yEWQX8hEgJAA0AgDiAPQQJ0aigCACEQIBBBEHYhESAPQQBLIBEgEkdxIA8gB05xBEAgAyAPayAHSA0CIAUgBiAEEBMhFSAVIBZkBEAgFSEWIBIhFyARIRgLCyACIBBB//8DcUECdGooAgAhE0QAAAAAAADwPyEUIAoEQCAJIBNBA3RqKwMAIRQLIAYgBisDACAUoDkDACAEBEAgBiAIIBNBA3RqKwMAqkECakEDdGohGSAZIBkrAwAgFKA5AwAFIAYgBisDECAUIAggE0EDdGorAwCioDkDEAsgESESIA9BAWohDyAPIANJDQALC0EAIBY5AwBBCCAXtzkDAEEQIBi3OQMAQQALsgECBnwCfyABKwMAIQMgACsDACADoSEEIAJFBEAgASsDECEHIAArAxAgB6EhCCAHIAeiIAOjIAggCKIgBKOgDwsDQCAJQQJqQQN0IQogASAKaisDACEHIAAgCmorAwAgB6EhCCAFIAcgB6KgIQUgBiAIIAiioCEGIAlBAWohCSAJIAJJDQALIASaRAAAAAAAAPA/IAYgBCAEoqOhoiADRAAAAAAAAPA/IAUgAyADoqOhoqEL4gIHA38CfAJ/AnwDfwN8AX9BAiADQQIgAxtqQQN0IQggBUEAIAj8CwBEAAAAAAAA8P8hEEF/IQ0gArghFSAGuCEWAkADQCAJIAFPDQEgACAJIAhsaiEKIAorAwghCyALRAAAAAAAAAAAYgRAIA5BAWohDiANQQBOIAwgFmZxBEAgFSAMoSAWYw0DIAQgBSADEBMhDyAPIBBkBEAgDyEQIA0hESAJIRILCyADBEBBACETA0AgE0ECakEDdCEXIAogF2orAwAhFCAFIBdqIAUgF2orAwAgFKA5AwAgBSAFKwMAIBSgOQMAIBNBAWohEyATIANJDQALBSAFIAUrAwAgCisDACALIAcboDkDACAFIAUrAxAgCisDEKA5AxALIAwgC6AhDCAJIQ0gDCAVYQ0CCyAJQQFqIQkMAAsLIABBACABIAhs/AsAQQAgEDkDAEEIIBG3OQMAQRAgErc5AwAgDkEBRgsZACMAQf8BRgR7IAAgAf13BSAAIAH9lwELCxkAIwBB/wFGBHsgACAB/XkFIAAgAf2ZAQsLpQMCA38Je/0M/////////////////////yELIAshDCALIQ0gCyEOIAIhByACIANBAnRqIQggBEECTQRAIwBB/wFGBEADQCAAIAcoAgAgAWxqIQkgCf0ABAAhCiALIAr9dyELIA8gCv15IQ8gCf0ABBAhCiAMIAr9dyEMIBAgCv15IRAgB0EEaiEHIAcgCEkNAAsFA0AgACAHKAIAIAFsaiEJIAn9AAQAIQogCyAK/ZcBIQsgDyAK/ZkBIQ8gCf0ABBAhCiAMIAr9lwEhDCAQIAr9mQEhECAHQQRqIQcgByAISQ0ACwsFA0AgACAHKAIAIAFsaiEJIAn9AAQAIQogCyAKEBUhCyAPIAoQFiEPIAn9AAQQIQogDCAKEBUhDCAQIAoQFiEQIAn9AAQgIQogDSAKEBUhDSARIAoQFiERIAn9AAQwIQogDiAKEBUhDiASIAoQFiESIAdBBGohByAHIAhJDQALCyAFIAv9CwQAIAUgDP0LBBAgBSAN/QsEICAFIA79CwQwIAYgD/0LBAAgBiAQ/QsEECAGIBH9CwQgIAYgEv0LBDALGQAjAEH/AUYEeyAAIAH9cQUgACAB/ZEBCwsYACMAQf8BRgR7IAAgAf0qBSAAIAH9NAsLhQQEBX8CewF/DHsgBf0ABAAhESAF/QAEECESIAX9AAQgIRMgBf0ABDAhFCACIQkgAiADQQJ0aiELAkADQCAJIAtPDQEgCUGABGohCiAKIAtLBEAgCyEKC/0MAAAAAAAAAAAAAAAAAAAAACEVIBUhFiAVIRcgFSEYIBUhGSAVIRogFSEbIBUhHCAEQQJNIwBB/wFGcQRAA0AgCSgCACEMIAAgDCABbGohDUEAIAYgDGotAABr/Q8hDyAN/QAEACAR/SohDiAVIA79cSEVIBkgDiAP/U79cSEZIA39AAQQIBL9KiEOIBYgDv1xIRYgGiAOIA/9Tv1xIRogCUEEaiEJIAkgCkkNAAsFA0AgCSgCACEMIAAgDCABbGohDUEAIAYgDGotAABr/Q8hDyAN/QAEACAREBkhDiAVIA4QGCEVIBkgDiAP/U4QGCEZIA39AAQQIBIQGSEOIBYgDhAYIRYgGiAOIA/9ThAYIRogDf0ABCAgExAZIQ4gFyAOEBghFyAbIA4gD/1OEBghGyAN/QAEMCAUEBkhDiAYIA4QGCEYIBwgDiAP/U4QGCEcIAlBBGohCSAJIApJDQALCyAHQQAgFRAbIAhBACAZEBsgB0EBIBYQGyAIQQEgGhAbIARBAksEQCAHQQIgFxAbIAhBAiAbEBsgB0EDIBgQGyAIQQMgHBAbCwwACwsLJAAjAEH/AUYEQCAAIAFBBnRqIAIQHAUgACABQQV0aiACEB0LC2IBAnsgAf2JASECIAH9igEhAyAAIAD9AAQAIAL9qQH9rgH9CwQAIAAgAP0ABBAgAv2qAf2uAf0LBBAgACAA/QAEICAD/akB/a4B/QsEICAAIAD9AAQwIAP9qgH9rgH9CwQwCyoAIAAgAP0ABAAgAf2pAf2uAf0LBAAgACAA/QAEECAB/aoB/a4B/QsEEAuiAgAgACgCACQBIAAoAgQkAiAAKAIIJAMgACgCDCQEIAAoAhAkBSAAKAIUJAYgACgCGCQHIAAoAhwkCCAAKAIgJAkgACgCJCQKIAAoAigkCyAAKAIsJAwgACgCMCQNIAAoAjQkDiAAKAI4JA8gACgCPCQQIAAoAkAkESAAKAJEJBIgACgCSCQTIAAoAkwkFCAAKAJQJBUgACgCVCQWIAAoAlgkFyAAKAJcJBggACgCYCQZIAAoAmQkGiAAKAJoJBsgACgCbCQcIAAoAnAkHSAAKAJ0JB4gACgCeCQfIAAoAnwkICAAKAKAASQhIAAoAoQBJCIgACgCmAEkIyAAKAKcASQkIAAoAqABJCUgACgCpAEkJiAAKwOIASQnIAArA5ABJCgLCQAQCSAAuKKrCzABA38gACABQQJ0aiEDIAAgAkECdGohBCADKAIAIQUgAyAEKAIANgIAIAQgBTYCAAuAAQEFfCAAKwMAIQEgAUQAAAAAAAAAAGUEQEQAAAAAAAAAAA8LIAArAxAhBCAAKwMYIQUjD0UEQCAEIAGjIQIgBSABoyACIAKioSEDIANEAAAAAAAAAAAgA0QAAAAAAAAAAGQbDwtEAAAAAAAA8D8gBCAEoiAFIAWioCABIAGio6ELkgECAn8CfCMNIQcgAUEASiABIANIcSABIAdOIAMgAWsgB05xcUUEQA8LIxxB4ABqIQggAbghCSAIIAk5AwAgCCAJOQMIIw8EQCAIIAkgAqE5AxAgCCACOQMYBSAIIAI5AxAgCEQAAAAAAAAAADkDGAsgACAIIw8QEyEKIAojLGQEQCAKJCwgBCQpIAUkKiAGJCsLC9UBAgZ/AnsgAiABa0EgTARAIwggACABakEDdGohCCMIIAAgAmpBA3RqIQkgA/0UIQsCQANAIAggCU8NASAKIAj9AAQAIAv9S/3RASEKIAhBEGohCAwACwsgAUEBayAK/R0AIAr9HQF8p2ohBCAIIAlGBEAgBCAIKwMAIANlaiEECyAEDwsgAUEBayEEIAIhBQJAA0AgBCAFTg0BIAQgBWpBAWpBAXUhBiMIIAAgBmpBA3RqKwMAIANlIQcgBiAEIAcbIQQgBSAGQQFrIAcbIQUMAAsLIAQL6gYFBn8DfAF/AXwDfyMFIAFBAnRqIQRBACEFA0AgBUECdCEGIxYgBmojEyAGaigCACMDbDYCACMYIAZqQf////8HNgIAIxkgBmpBfzYCACAFQQFqIQUgBSAASQ0ACyMiBEAjASMCIAQgAiMiIxxBgAFqIxxBwAFqEBdBACEFA0AgBUECdCEGIxwjFiAGaigCAGohByMYIAZqIwAgBy8BgAFxNgIAIxkgBmojACAHLwHAAXE2AgAgBUEBaiEFIAUgAEkNAAsFIwEjAiAEIAIjFiAAIxgjGRALC0EAIQUDQCAFQQJ0IQYjCSMTIAZqKAIAQQJ0aigCACEHIxggBmooAgAhCCMZIAZqKAIAIQkjByAHIAhqQQN0aisDACEKIwggByAJakEDdGorAwAhCyMXIAZqQX82AgAgCyAKREivvJry13o+oGUhECMUIAVqIBA6AAAgEARAIA9BAWohDwUgChAJIAsgCqGioCEMIAwgC2YEQCAKIQwLIAcgCCAJIAwQIyENIA0gCE4gDSAJSHEEQCMXIAZqIA02AgAjByAHIA1qQQFqQQN0aisDACEOIAwgDmNFBEAjCCAHIA1qQQN0aisDAEQAAAAAAAAAQKMgDkQAAAAAAAAAQKOgIQwLIxUgBUEDdGogDDkDAAsLIAVBAWohBSAFIABJDQALIA8gAEYEQCAPDwsjIkEARyMPQQJGcQRAIxxBgAJqQQBBwAT8CwBBACEFA0AgBUECdCEGIxcgBmooAgAhDSANQQBOBEAjHCMWIAZqKAIAaiEHIwBB/wFGBEAgByANOgCAAgUgByANOwGAAgsLIAVBAWohBSAFIABJDQALIwEjAiAEIAIjIiMcQYACaiMjIxxBwAJqIxxBwARqEBpBACEFA0AjHCMWIAVBAnRqKAIAQQJBASMAQf8BRht0aiEHIxogBUEYbGohESARIAcoAsACuDkDCCARIAcoAsAEuDkDECAFQQFqIQUgBSAASQ0ACwUjGkEAIABBGGz8CwAjASMCIAQgAiMWIxcgACMEIxoQDAtBACEFA0AgBUECdCEGIxcgBmooAgAhDSANQQBOBEAjGiAFQRhsaiERIAMgESsDCKsgESsDECACIxMgBmooAgAgDSMVIAVBA3RqKwMAECILIAVBAWohBSAFIABJDQALIA8LugEDA38DfAN/IwUgAUECdGohBCMEIAQgAiMmEAEDQCMTIAVBAnRqKAIAIQYjASAGIyRsaiAEIAIjJRABQQArAwAhB0EIKwMAIQggCCAHREivvJry13o+oGUhCiMUIAVqIAo6AAAgCgRAIAtBAWohCwUgBxAJIAggB6GioCEJIAkgCGYEQCAHIQkLIyUjJiACIAkQAiEMIAMgDEEYKwMAIAIgBkF+IAkQIgsgBUEBaiEFIAUgAEkNAAsgCwuWBAETf0F/JClEAAAAAAAA8P8kLCMKIQQjCyEFIxAhFSMUIRYgBCEGIAUgBE4EQCADIQcLIAchCQJAA0AgBiADIAhqTA0BIAkgBU4gCSAIIAdqSnENASAFIAlrQQEgCSAFSBshCkEAIQsCQANAIAsgCk4NASAGIAtrIAMgCGpMDQEgCUEBaiEJIAcgBiALayAIayAHaxAfaiEMIAwgA0gEQCAVIAcgDBAgIAdBAWohBwUgDCAIaiEMIAYgC2tBAWshDSAVIAwgDRAgIxMgC0ECdGogFSANQQJ0aigCADYCACALQQFqIQsLDAALCyALRQRADAELIyQEfyALIAAgASACECUFIAsgACABIAIQJAsaQQAhDkEAIQ8DQCAOIBYgD2otAABqIQ4gD0EBaiEPIA8gC0kNAAsgDgRAIAYgC2shECAQIA5qIRFBACEPA0AgFiAPai0AAARAIBUgEEECdGojEyAPQQJ0aigCADYCACAQQQFqIRAFIBUgEUECdGojEyAPQQJ0aigCADYCACARQQFqIRELIA9BAWohDyAPIAtJDQALIAMgCGohEiAGIAtrIBJrIRMgEiEUA0AgFSAUIBQgE2oQICAUQQFqIRQgFCASIA5qSA0ACyAIIA5qIQgLIAYgCyAOa2shBgwACwsgFSMRIANBAnT8CgAAIxEgA0ECdGogFSADQQJ0aiAIQQJ0/AoAACADIAhqC74CAwp/A3wCfyMBIAAjA2xqIQojAiELIwQhDCMGIRIjBSABQQJ0aiERIBEhBCARIQYgEiEHIBEgAkECdGohBSMPBEADQCAEKAIAIQgjACAKIAggC2xqLwEAcSADTSEJIAYgCDYCACAHIAg2AgAgBiAJQQJ0aiEGIAcgCUEBc0ECdGohByANIAkjIyAIai0AAHFqIQ0gBEEEaiEEIAQgBUkNAAsgDbghDwUDQCAEKAIAIQgjACAKIAggC2xqLwEAcSADTSEJIAYgCDYCACAHIAg2AgAgBiAJQQJ0aiEGIAcgCUEBc0ECdGohByAJuCAMIAhBA3RqKwMAoiEOIA8gDqAhDyAQIA4gDqKgIRAgBEEEaiEEIAQgBUkNAAsLIAYgEiAHIBJr/AoAAEEYIA85AwBBCCAQOQMAIAYgEWtBAnYLTAEBfyMbIy9BBnRqIQcjL0EBaiQvIAcgADYCACAHIAE2AgQgByACNgIIIAcgAzYCDCAHIAQ2AhAgByAGNgIUIAdBIGogBUEg/AoAAAvtBAUCfwF8B38EfAJ/IxwhCyALQSBqIQwgC0HAAGohDSMtIQYgBkEBaiQtIANBAE4EQCMfIyAgBBsgA0ECdGogBjYCAAsgASAAayEHIAsQISEIIAcjDEggByMNQQF0SHIgAiMOTiAIRAAAAAAAALA8ZXJyIQkgBSEKIAlFBEAgACAHIAsgBRAmIQojKUEASCEJCyAJRQRAIyQEfyMBIykjJGxqQQAjBSAAQQJ0aiAHIysjBCMGEAYFIykgACAHIyoQJwshDiAAIA5qIQ8gDrghEEEYKwMAIREgDCAQOQMAIAwgEDkDCCMPBEAgDCAQIBGhOQMQIAwgETkDGAUgDCAROQMQIAxBCCsDADkDGAsgDSALKwMAIAwrAwChOQMAIA0gASAPa7g5AwggDSALKwMQIAwrAxChOQMQIA0gCysDGCAMKwMYoTkDGCALKwMAIAiiIAwrAwAgDBAhoqEgDSsDACANECGioSESIBIjKKNEAAAAAAAAsDygIydjIA8gAEYgDyABRnJyRQRAIx0gBkECdGojKTYCACMeIAZBA3RqIys5AwAjEiMpQQN0aiEVIBUgFSsDACASoDkDACAPIAEgAkEBaiAGQQAgDSAKECggACAPIAJBAWogBkEBIAwgChAoDwsLIx0gBkECdGpBfzYCACMeIAZBA3RqRAAAAAAAAAAAOQMAIyAgBkECdGpBfzYCACMuIRQgFEEBaiQuIx8gBkECdGogFDYCACALKwMAIRMjDwRAIyEgFEEEdGohFSAVIAsrAxAgE6M5AwAgFSALKwMYIBOjOQMIBSMhIBRBA3RqIAsrAxAgE6M5AwALC3QBAX9BACQtQQAkLkEAJC8gACABIAJBf0EAIAQgAxAoAkADQCMvRQ0BIy9BAWskLyMbIy9BBnRqIQUjHCAFQSBqQSD8CgAAIAUoAgAgBSgCBCAFKAIIIAUoAgwgBSgCECAFKAIUECkMAAsLQSQjLjYCACMtCw==';

interface Exports {
  gather(col: number, rows: number, m: number, xs: number): void;
  countSum(xs: number, y: number, m: number, t: number): void;
  countSlots(xs: number, at: number, m: number, t: number, stats: number): void;
  countWeighted(xs: number, w: number, at: number, y: number, m: number, t: number, stats: number): void;
  tiny(
    cols: number,
    n8: number,
    rows: number,
    m: number,
    targets: number,
    y: number,
    xs: number,
    feats: number,
    take: number,
    res: number,
  ): void;
  codesRange(
    codes: number,
    rs: number,
    rows: number,
    m: number,
    fo: number,
    take: number,
    mn: number,
    mx: number,
  ): void;
  codesCount(
    codes: number,
    rs: number,
    rows: number,
    m: number,
    fo: number,
    cut: number,
    take: number,
    targets: number,
    res: number,
  ): void;
  histDense(
    codes: number,
    rs: number,
    rows: number,
    m: number,
    fs: number,
    md: number,
    base: number,
    ns: number,
    sw8: number,
    hist: number,
    targets: number,
    weights: number,
    mode: number,
  ): void;
  partition(...args: [...SplitRows, scratch: number]): number;
  partitionStats(
    ...args: [...SplitRows, weights: number, mode: number, stats: number, scratch: number]
  ): number;
  renumber(smp: number, m: number, start: number, pos: number): void;
  sparseBins(
    ...args: [
      ...SparseRows,
      hist: number,
      sw8: number,
      targets: number,
      weights: number,
      mode: number,
      list: number,
    ]
  ): number;
  sparseRange(...rows: SparseRows): void;
  setCodeMask(mask: number): void;
  subtreeSetup(conf: number): void;
  scanDense(
    h0: number,
    nb: number,
    m: number,
    K: number,
    st: number,
    L: number,
    msl: number,
    weighted: number,
  ): number;
  sortedScan(
    col: number,
    rs: number,
    smp: number,
    m: number,
    K: number,
    st: number,
    L: number,
    msl: number,
    targets: number,
    weights: number,
    weighted: number,
    keys: number,
    tmp: number,
    cnt: number,
  ): number;
  growSubtree(start: number, end: number, depth: number, nKnown: number, st: number): number;
  sparseLeft(
    ...args: [...SparseRows, c: number, targets: number, weights: number, mode: number, T: number, L: number]
  ): void;
}

/**
 * What both partitions split: a node's m rows at smp, by column col (row stride rs; 0:
 * values) against t. The wrappers below spell these and SparseRows out rather than build
 * them in a shared helper: spreading a fresh array per call cost extra trees 3-6% of a fit.
 */
type SplitRows = [col: number, rs: number, smp: number, m: number, t: number, targets: number];

/** Where both sparse reads find a feature's rows outside its dominant bin, in the node. */
type SparseRows = [
  codes: number,
  rs: number,
  fo: number,
  nz: number,
  from: number,
  to: number,
  pos: number,
  start: number,
  end: number,
];

const wasmModule = lazyModule(WASM);

/** Results of the last pass, at the start of memory; the generator's state at 32. */
const OUT_BYTES = 64;

/** Up to a multiple of 8 (arithmetic, not bitwise: sizes past 2^31 are judged too). */
const align = (b: number) => Math.ceil(b / 8) * 8;

/** The grower's stats width: [W, count, then K class weights or S]. */
function statsWidth(nClasses: number): number {
  return 2 + (nClasses > 0 ? nClasses : 2);
}

/**
 * Where everything sits in an instance's memory (bytes, each region 8-aligned): the table
 * (values, or codes), the targets, the row buffers, the per-candidate arrays, the
 * histogram block, the sparse rows; `bytes` in all.
 */
function layout(
  n: number,
  d: number,
  nClasses: number,
  cellBytes: number,
  histLen: number,
  nnz: number,
  sub: SubtreeRoom = NO_SUBTREES,
) {
  let end = OUT_BYTES;
  const take = (bytes: number) => {
    const at = end;
    end = align(end + bytes);
    return at;
  };
  const statsBytes = statsWidth(nClasses) * 8;
  const off = {
    stats: take(statsBytes),
    table: take(n * d * cellBytes),
    targets: take(n * 8),
    xs: take(n * 8),
    y: take(n * 8),
    w: take(n * 8),
    weights: take(n * 8),
    rows: take(n * 4),
    samples: take(n * 4),
    scratch: take(n * 4),
    at: take(n * 4),
    pos: take(n * 4),
    feats: take(d * 4),
    cut: take(d * 4),
    mn: take(d * 4),
    mx: take(d * 4),
    hFs: take(d * 4),
    hMd: take(d * 4),
    hBase: take(d * 4),
    res: take(d * 24),
    hist: take(histLen * 8),
    nz: take(nnz * 4),
    sparseT: take(statsBytes),
    sparseL: take(statsBytes),
    binList: take((n + 2) * 4),
    // sortedScan's: its radix counts, the node's stats and the left side's.
    radix: take(2048 * 4),
    scanSt: take(statsBytes),
    scanL: take(statsBytes),
    // growSubtree's: its constants, the bins' bounds, the grower's draw state and importances,
    // a node search's candidates, its pending nodes and scratch stats, and the nodes it grew
    // (at most 2·rows - 1, each leaf two values).
    conf: take(sub.rows > 0 ? 192 : 0),
    lo: take(sub.bins * 8),
    hi: take(sub.bins * 8),
    offset: take(sub.rows > 0 ? (d + 1) * 4 : 0),
    gFeats: take(sub.rows > 0 ? d * 4 : 0),
    gKnown: take(sub.rows > 0 ? d * 4 : 0),
    gImp: take(sub.rows > 0 ? d * 8 : 0),
    batch: take(sub.rows > 0 ? d * 4 : 0),
    isConst: take(sub.rows > 0 ? d : 0),
    thr: take(sub.rows > 0 ? d * 8 : 0),
    stack: take(sub.rows > 0 ? (sub.rows + 1) * 64 : 0),
    tmp: take(sub.rows > 0 ? 1024 : 0),
    stIn: take(sub.rows > 0 ? 32 : 0),
    labels: take(sub.rows > 0 && nClasses === 2 && cellBytes < 8 ? n : 0),
    nodeF: take(sub.rows * 8),
    nodeT: take(sub.rows * 16),
    nodeL: take(sub.rows * 8),
    nodeR: take(sub.rows * 8),
    leafV: take(sub.rows * 16),
  };
  return { off, bytes: end };
}

/** Room for growSubtree: subtrees of up to `rows` rows, over `bins` bins in all (0, 0: none). */
export interface SubtreeRoom {
  rows: number;
  bins: number;
}

const NO_SUBTREES: SubtreeRoom = { rows: 0, bins: 0 };

/**
 * Whether a tree can grow an n x d table with these passes: extra trees on values (cellBytes
 * 8) or on codes (1 or 2 bytes), the best splitter on codes with a histogram block of
 * histLen doubles.
 */
export function treePassesFit(
  n: number,
  d: number,
  nClasses: number,
  cellBytes: number,
  histLen = 0,
  sub: SubtreeRoom = NO_SUBTREES,
): boolean {
  // At most n * d rows outside their feature's dominant bin (Bins.nzRows).
  return wasmModule() !== null && layout(n, d, nClasses, cellBytes, histLen, n * d, sub).bytes <= 2 ** 31;
}

/** What growSubtree reads from the grower, and what it needs to know of it. */
export interface SubtreeGrowing {
  maxFeatures: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  maxDepth: number;
  minImpurityDecrease: number;
  rootW: number;
}

/**
 * A grown subtree, numbered from 0: its first `nodes` nodes (a leaf's left is its leaf
 * number, its right -1) and `leaves` leaves' values, in views of the passes' memory that the
 * next subtree overwrites.
 */
export interface Subtree {
  nodes: number;
  leaves: number;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** Per leaf, two class shares or one mean (sw-wide stats' width: nClasses or 1). */
  leafValue: Float64Array;
}

export class TreePasses {
  /** The node's rows (the passes read them from here). */
  readonly rows: Int32Array;
  /** The growing tree's row list (TreeGrower.samples). */
  readonly samples: Int32Array;
  /** One feature's values over the node's rows (gather's output). */
  readonly xs: Float64Array;
  /** Per node row: its target (fast path), or what it adds to its stats slot. */
  readonly y: Float64Array;
  /** Per node row: its weight, and its stats slot (weighted and multi-class paths). */
  readonly w: Float64Array;
  readonly at: Int32Array;
  /** The slot sums countSlots and countWeighted add to (zeroed by the caller). */
  readonly stats: Float64Array;
  /** min, max (gather); count, sum or weight (the counts). */
  readonly out: Float64Array;
  /**
   * Per candidate: its feature (tiny), or its offset in the codes (-1: skip); the cut (-1:
   * skip); its min and max code; and threshold, count (-1: constant), sum (tiny, codesCount).
   */
  readonly feats: Int32Array;
  readonly cut: Int32Array;
  readonly mn: Int32Array;
  readonly mx: Int32Array;
  readonly res: Float64Array;
  /** The best splitter's: the tree's row weights, its histogram block, and per dense slot its codes' offset, dominant bin and first bin. */
  readonly weights: Float64Array;
  readonly hist: Float64Array;
  readonly hFs: Int32Array;
  readonly hMd: Int32Array;
  readonly hBase: Int32Array;
  /** The grower's row positions (TreeGrower.pos), and sparseLeft's node and left stats. */
  readonly pos: Int32Array;
  readonly sparseT: Float64Array;
  readonly sparseL: Float64Array;
  /** sparseBins' list of the bins it filled (room for every bin of a feature: n rows, NaN's). */
  readonly binList: Int32Array;
  /** True when the table is codes (else values): the sparse reads read codes. */
  readonly onCodes: boolean;
  /**
   * The passes' copy of GrowData.columns (onCodes false) or of the codes: a grower's own
   * reads go here too, so the table sits in the cache once, not twice.
   */
  readonly table: Float64Array | Uint8Array | Uint16Array;
  /** Bytes a code: 1 or 2 (on values, 0). Offsets into the codes the passes take are in bytes. */
  readonly codeBytes: number;
  /** Taken by a grower (holdTreePasses) until it gives it back (release). */
  held = false;
  private readonly e: Exports;
  /** Byte offsets of the regions (layout). */
  private readonly off: ReturnType<typeof layout>['off'];
  private readonly rngState: Int32Array;
  /** How many leaves growSubtree grew (it writes them after the generator's state). */
  private readonly leafCount: Int32Array;
  private readonly n: number;
  private readonly rowStride: number;
  private readonly colStride: number;
  private readonly d: number;
  private readonly nClasses: number;
  /** Views of sortedScan's node stats, growSubtree's root stats and what it grew. */
  private readonly scanSt: Float64Array;
  private readonly stIn: Float64Array;
  private readonly grown: Subtree;
  private scan = { msl: 1, K: 0, weighted: 0 };

  /**
   * On data.columns where given, else on data.bins.codes (which must be bytes); with room for
   * a histogram block of histLen doubles (the best splitter).
   */
  constructor(
    data: GrowData,
    readonly histLen = 0,
    readonly sub: SubtreeRoom = NO_SUBTREES,
  ) {
    const { n, d } = data;
    const onValues = data.columns !== undefined;
    this.onCodes = !onValues;
    const statsLen = statsWidth(data.nClasses);
    const nnz = data.bins.nzRows.length;
    const codeBytes = onValues ? 0 : data.bins.codes.BYTES_PER_ELEMENT;
    const { off, bytes } = layout(n, d, data.nClasses, onValues ? 8 : codeBytes, histLen, nnz, sub);
    const { exports, memory } = instantiateSized<Exports>(wasmModule()!, bytes);
    this.e = exports;
    this.off = off;
    const buf = memory.buffer;
    this.n = n;
    this.codeBytes = codeBytes;
    this.rowStride = data.bins.rowStride * codeBytes;
    this.colStride = data.bins.colStride * codeBytes;
    if (onValues) this.table = new Float64Array(buf, this.off.table, n * d);
    else if (codeBytes === 1) this.table = new Uint8Array(buf, this.off.table, n * d);
    else this.table = new Uint16Array(buf, this.off.table, n * d);
    this.table.set(onValues ? data.columns! : data.bins.codes);
    exports.setCodeMask(codeBytes === 2 ? 0xffff : 0xff);
    const target = data.nClasses > 0 ? data.labels : data.values;
    if (target) new Float64Array(buf, this.off.targets, n).set(target);
    this.out = new Float64Array(buf, 0, 4);
    this.rngState = new Int32Array(buf, 32, 1);
    this.leafCount = new Int32Array(buf, 36, 1);
    this.stats = new Float64Array(buf, this.off.stats, statsLen);
    this.xs = new Float64Array(buf, this.off.xs, n);
    this.y = new Float64Array(buf, this.off.y, n);
    this.w = new Float64Array(buf, this.off.w, n);
    this.rows = new Int32Array(buf, this.off.rows, n);
    this.samples = new Int32Array(buf, this.off.samples, n);
    this.at = new Int32Array(buf, this.off.at, n);
    this.feats = new Int32Array(buf, this.off.feats, d);
    this.cut = new Int32Array(buf, this.off.cut, d);
    this.mn = new Int32Array(buf, this.off.mn, d);
    this.mx = new Int32Array(buf, this.off.mx, d);
    this.res = new Float64Array(buf, this.off.res, 3 * d);
    this.weights = new Float64Array(buf, this.off.weights, n);
    this.hFs = new Int32Array(buf, this.off.hFs, d);
    this.hMd = new Int32Array(buf, this.off.hMd, d);
    this.hBase = new Int32Array(buf, this.off.hBase, d);
    this.hist = new Float64Array(buf, this.off.hist, histLen);
    this.pos = new Int32Array(buf, this.off.pos, n);
    new Int32Array(buf, this.off.nz, nnz).set(data.bins.nzRows);
    this.sparseT = new Float64Array(buf, this.off.sparseT, statsLen);
    this.sparseL = new Float64Array(buf, this.off.sparseL, statsLen);
    this.binList = new Int32Array(buf, this.off.binList, n + 2);
    this.d = d;
    this.nClasses = data.nClasses;
    this.scanSt = new Float64Array(buf, this.off.scanSt, statsLen);
    const w = data.nClasses > 0 ? data.nClasses : 1;
    this.grown = {
      nodes: 0,
      leaves: 0,
      feature: new Int32Array(buf, this.off.nodeF, 2 * sub.rows),
      threshold: new Float64Array(buf, this.off.nodeT, 2 * sub.rows),
      left: new Int32Array(buf, this.off.nodeL, 2 * sub.rows),
      right: new Int32Array(buf, this.off.nodeR, 2 * sub.rows),
      leafValue: new Float64Array(buf, this.off.leafV, sub.rows * w),
    };
    this.stIn = new Float64Array(buf, this.off.stIn, sub.rows > 0 ? 4 : 0);
    if (sub.rows > 0) {
      const { lo, hi, offset } = data.bins;
      new Float64Array(buf, this.off.lo, sub.bins).set(lo.subarray(0, sub.bins));
      new Float64Array(buf, this.off.hi, sub.bins).set(hi.subarray(0, sub.bins));
      new Int32Array(buf, this.off.offset, d + 1).set(offset);
      if (data.nClasses === 2 && !onValues) new Uint8Array(buf, this.off.labels, n).set(data.labels!);
    }
  }

  /**
   * What the scans (sortedScan, scanDense) take from the grower holding these passes: its
   * min_samples_leaf, classes (K, Gini; 0: regression), and whether rows are weighted (the
   * weights in this.weights).
   */
  scanSetup(msl: number, K: number, weighted: boolean): void {
    this.scan = { msl, K, weighted: weighted ? 1 : 0 };
  }

  /**
   * The best splitter's sorted path (TreeGrower.evalSorted) for feature f (fo: its offset in
   * the codes) over the node samples[start, start + m) with stats st: true when every row
   * has one code; else out[0] = the best split's proxy (-Infinity: none allowed), out[1] and
   * out[2] = the codes either side of it.
   */
  sortedScan(fo: number, start: number, m: number, st: Float64Array): boolean {
    const o = this.off;
    const { msl, K, weighted } = this.scan;
    this.scanSt.set(st);
    const col = o.table + fo * this.codeBytes;
    const smp = o.samples + start * 4;
    const L = o.scanL;
    const keys = o.xs;
    return (
      this.e.sortedScan(
        col,
        this.rowStride,
        smp,
        m,
        K,
        o.scanSt,
        L,
        msl,
        o.targets,
        o.weights,
        weighted,
        keys,
        keys + m * 4,
        o.radix,
      ) === 1
    );
  }

  /**
   * TreeGrower.scanBins on the dense histogram slot from bin b0 of hist (nb bins, sw stats
   * a bin) for a node of m rows with stats st: true when one bin holds every row; else as
   * sortedScan, with bins for codes. The slot's bins are cleared.
   */
  scanDense(b0: number, nb: number, sw: number, m: number, st: Float64Array): boolean {
    const o = this.off;
    const { msl, K, weighted } = this.scan;
    this.scanSt.set(st);
    return this.e.scanDense(o.hist + b0 * sw * 8, nb, m, K, o.scanSt, o.scanL, msl, weighted) === 1;
  }

  /** The grower's constants for growSubtree (once per grower: the module keeps them). */
  subtreeSetup(g: SubtreeGrowing): void {
    const o = this.off;
    const buf = this.memory();
    // Every feature of a row at once where a row's codes are row-major and fit 4 vectors.
    const rowBytes = this.d * this.codeBytes;
    const rv = this.onCodes && this.rowStride === rowBytes && rowBytes <= 64 ? Math.ceil(rowBytes / 16) : 0;
    new Int32Array(buf, o.conf, 34).set([
      o.table,
      this.rowStride,
      this.colStride,
      o.targets,
      o.samples,
      o.scratch,
      o.lo,
      o.hi,
      o.offset,
      this.d,
      g.maxFeatures,
      g.minSamplesSplit,
      g.minSamplesLeaf,
      Math.min(g.maxDepth, 0x7fffffff),
      this.nClasses,
      o.gFeats,
      o.gKnown,
      o.gImp,
      o.batch,
      o.isConst,
      o.thr,
      o.feats,
      o.cut,
      o.mn,
      o.mx,
      o.res,
      o.stack,
      o.tmp,
      o.nodeF,
      o.nodeT,
      o.nodeL,
      o.nodeR,
      o.leafV,
      rv,
    ]);
    new Float64Array(buf, o.conf + 136, 2).set([g.minImpurityDecrease, g.rootW]);
    const onValues = !this.onCodes;
    new Int32Array(buf, o.conf + 152, 4).set([o.labels, onValues ? this.n * 8 : 0, o.xs, o.y]);
    this.e.subtreeSetup(o.conf);
  }

  /**
   * The grower's feature order, its known-constant prefix and its importances (zeroed), in
   * this memory, where growSubtree reads and writes them: the grower keeps them here while
   * it holds these passes.
   */
  subtreeState(): { feats: Int32Array; known: Int32Array; importance: Float64Array } {
    const o = this.off;
    const buf = this.memory();
    const d = this.d;
    return {
      feats: new Int32Array(buf, o.gFeats, d),
      known: new Int32Array(buf, o.gKnown, d),
      importance: new Float64Array(buf, o.gImp, d).fill(0),
    };
  }

  /**
   * The whole subtree of the node samples[start, end) (stats st, nKnown features known
   * constant), grown as the grower would grow it node by node: the grower's state
   * (subtreeState) and rng carry on from where it leaves them. At most sub.rows rows.
   */
  growSubtree(
    start: number,
    end: number,
    depth: number,
    nKnown: number,
    st: Float64Array,
    rng: Rng,
  ): Subtree {
    this.stIn.set(st);
    this.rngState[0] = rng.getState();
    const g = this.grown;
    g.nodes = this.e.growSubtree(start, end, depth, nKnown, this.off.stIn);
    rng.setState(this.rngState[0]);
    g.leaves = this.leafCount[0];
    return g;
  }

  private memory(): ArrayBuffer {
    return this.out.buffer as ArrayBuffer;
  }

  release(): void {
    this.held = false;
  }

  /** xs[0, m) = feature f of rows[0, m); out[0], out[1] = their min and max. */
  gather(f: number, m: number): void {
    this.e.gather(this.off.table + f * this.n * 8, this.off.rows, m, this.off.xs);
  }

  /**
   * A node of m >= 1 rows in rows[0, m), every row once, its candidates in feats[0, take):
   * each one's min and max, then (unless constant) a threshold drawn from rng as
   * TreeGrower.drawThreshold does, and the count and target sum of the rows at or below it,
   * into res. The node's targets land in y.
   */
  tiny(m: number, take: number, rng: Rng): void {
    this.rngState[0] = rng.getState();
    this.e.tiny(
      this.off.table,
      this.n * 8,
      this.off.rows,
      m,
      this.off.targets,
      this.off.y,
      this.off.xs,
      this.off.feats,
      take,
      this.off.res,
    );
    rng.setState(this.rngState[0]);
  }

  /** y[0, m) = the targets (label or value) of rows[0, m). */
  gatherTargets(m: number): void {
    this.e.gather(this.off.targets, this.off.rows, m, this.off.y);
  }

  /** Of xs[0, m): out[2] = how many are <= t, out[3] = the sum of their y. */
  countSum(m: number, t: number): void {
    this.e.countSum(this.off.xs, this.off.y, m, t);
  }

  /** Of xs[0, m): out[2] = how many are <= t; each adds 1 to stats[at[i]]. */
  countSlots(m: number, t: number): void {
    this.e.countSlots(this.off.xs, this.off.at, m, t, this.off.stats);
  }

  /** Of xs[0, m): out[2] = how many are <= t, out[3] = their weight w; each adds y[i] to stats[at[i]]. */
  countWeighted(m: number, t: number): void {
    this.e.countWeighted(this.off.xs, this.off.w, this.off.at, this.off.y, m, t, this.off.stats);
  }

  /**
   * Splits samples[start, start + m) stably, the rows going left first: those whose value of
   * the feature is <= t (on values), or whose code is (on codes, t a bin). Returns how many go
   * left; out[3] and out[1] = the sum and sum of squares of their targets, in row order.
   */
  partition(feature: number, start: number, m: number, t: number): number {
    const col = this.off.table + feature * (this.onCodes ? this.colStride : this.n * 8);
    const rs = this.onCodes ? this.rowStride : 0;
    return this.e.partition(col, rs, this.off.samples + start * 4, m, t, this.off.targets, this.off.scratch);
  }

  /**
   * partition with the left side's stats into this.stats ([W, count, then class weights or
   * weighted sum and sum of squares], added in row order; mode as histDense, weights from
   * this.weights): for weighted or multi-class growth.
   */
  partitionStats(feature: number, start: number, m: number, t: number, mode: number): number {
    this.stats.fill(0);
    const col = this.off.table + feature * (this.onCodes ? this.colStride : this.n * 8);
    const rs = this.onCodes ? this.rowStride : 0;
    const smp = this.off.samples + start * 4;
    const { targets, weights, stats, scratch } = this.off;
    return this.e.partitionStats(col, rs, smp, m, t, targets, weights, mode, stats, scratch);
  }

  /** pos[samples[p]] = p for p in [start, start + m): the grower's row positions (TreeGrower.pos, here) after a partition. */
  renumber(start: number, m: number): void {
    this.e.renumber(this.off.samples + start * 4, m, start, this.off.pos);
  }

  /** On codes: mn[q], mx[q] lowered and raised to the min and max code over rows[0, m), for q < take with feats[q] (its offset in the codes) >= 0. */
  codesRange(m: number, take: number): void {
    this.e.codesRange(
      this.off.table,
      this.rowStride,
      this.off.rows,
      m,
      this.off.feats,
      take,
      this.off.mn,
      this.off.mx,
    );
  }

  /** On codes: for q < take with cut[q] >= 0, res[3q + 1] += rows of rows[0, m) with code <= cut[q], res[3q + 2] += their targets. */
  codesCount(m: number, take: number): void {
    this.e.codesCount(
      this.off.table,
      this.rowStride,
      this.off.rows,
      m,
      this.off.feats,
      this.off.cut,
      take,
      this.off.targets,
      this.off.res,
    );
  }

  /**
   * The best splitter's dense histogram pass over rows[0, m), slots k < ns (hFs, hMd, hBase),
   * into hist with sw stats a bin; mode 0/1: classes weighted / every row once, 2/3:
   * regression weighted / every row once (weights from this.weights).
   */
  histDense(m: number, ns: number, sw: number, mode: number): void {
    this.e.histDense(
      this.off.table,
      this.rowStride,
      this.off.rows,
      m,
      this.off.hFs,
      this.off.hMd,
      this.off.hBase,
      ns,
      sw * 8,
      this.off.hist,
      this.off.targets,
      this.off.weights,
      mode,
    );
  }

  /**
   * The best splitter's sparse slot, classification: the rows nz[from, to) in the node added
   * to their bins of the histogram slot at bin b0 (class weights; mode 0 weighted, 1 not);
   * returns how many bins got their first row, listed in binList.
   */
  sparseBins(
    fo: number,
    from: number,
    to: number,
    start: number,
    end: number,
    b0: number,
    sw: number,
    mode: number,
  ): number {
    const o = this.off;
    return this.e.sparseBins(
      o.table,
      this.rowStride,
      fo * this.codeBytes,
      o.nz,
      from,
      to,
      o.pos,
      start,
      end,
      o.hist + b0 * sw * 8,
      sw * 8,
      o.targets,
      o.weights,
      mode,
      o.binList,
    );
  }

  /** On codes (fo: the feature's offset in codes): out[0], out[1], out[2] = min code, max code and count of the rows nz[from, to) in the node (pos in [start, end)). */
  sparseRange(fo: number, from: number, to: number, start: number, end: number): void {
    const at = fo * this.codeBytes;
    this.e.sparseRange(this.off.table, this.rowStride, at, this.off.nz, from, to, this.off.pos, start, end);
  }

  /** On codes: the stats of the rows nz[from, to) in the node added to sparseT, those with code <= c to sparseL (mode as histDense). */
  sparseLeft(
    fo: number,
    from: number,
    to: number,
    start: number,
    end: number,
    c: number,
    mode: number,
  ): void {
    this.e.sparseLeft(
      this.off.table,
      this.rowStride,
      fo * this.codeBytes,
      this.off.nz,
      from,
      to,
      this.off.pos,
      start,
      end,
      c,
      this.off.targets,
      this.off.weights,
      mode,
      this.off.sparseT,
      this.off.sparseL,
    );
  }
}

/** Per thread: the passes over each GrowData (a fit's trees reuse its copy). */
const byData = new WeakMap<GrowData, TreePasses>();

/** Passes over data (see the constructor), held by the caller until it calls release. */
export function holdTreePasses(data: GrowData, histLen = 0, sub: SubtreeRoom = NO_SUBTREES): TreePasses {
  let p = byData.get(data);
  const small = (q: TreePasses) => q.histLen < histLen || q.sub.rows < sub.rows;
  if (!p || p.held || small(p)) {
    const fresh = new TreePasses(data, histLen, sub);
    if (!p || (!p.held && small(p))) byData.set(data, fresh);
    p = fresh;
  }
  p.held = true;
  return p;
}

import { newQuickJSWASMModuleFromVariant, type QuickJSSyncVariant, type QuickJSWASMModule } from 'quickjs-emscripten';

/**
 * Loads QuickJS's release build (sync variant). The package's own variant
 * loads its Emscripten module with a dynamic import(), which CommonJS test
 * runners cannot follow; requiring the same files directly works everywhere.
 */
export function loadQuickJs(): Promise<QuickJSWASMModule> {
  const variant = {
    type: 'sync',
    importFFI: () => Promise.resolve((require('@jitl/quickjs-wasmfile-release-sync/ffi') as { QuickJSFFI: unknown }).QuickJSFFI),
    importModuleLoader: () => Promise.resolve(require('@jitl/quickjs-wasmfile-release-sync/emscripten-module') as unknown),
  } as unknown as QuickJSSyncVariant;
  return newQuickJSWASMModuleFromVariant(variant);
}

/*
 * Where local model stores live (local-servers-hf-hardware.md §1.1, §2.1,
 * §4.1) and what GGUF file names say (§5.2 naming convention).  Pure
 * functions: the environment comes through GETENV (NULL: getenv(3)) and
 * nothing is written.
 */
#ifndef MR_MODELPATHS_H
#define MR_MODELPATHS_H

#include <stdbool.h>
#include <stddef.h>

#include "mr/util.h"


/*
 * LM Studio's home: the path in ~/.lmstudio-home-pointer, else
 * ~/.cache/lm-studio when it exists, else ~/.lmstudio.  Caller frees.
 */
char	*mr_lmstudio_home(mr_getenv_fn getenv_fn);
/* <home>/settings.json "downloadsFolder" when a string, else <home>/models. */
char	*mr_lmstudio_models_dir(const char *home);
/* $HF_HUB_CACHE, $HUGGINGFACE_HUB_CACHE, $HF_HOME/hub,
 * $XDG_CACHE_HOME/huggingface/hub, ~/.cache/huggingface/hub. */
char	*mr_hf_hub_cache(mr_getenv_fn getenv_fn);
/* $OLLAMA_MODELS, else ~/.ollama/models. */
char	*mr_ollama_models_dir(mr_getenv_fn getenv_fn);
/* llama.cpp's -hf downloads: $LLAMA_CACHE, $XDG_CACHE_HOME/llama.cpp,
 * ~/.cache/llama.cpp (~/Library/Caches/llama.cpp on macOS). */
char	*mr_llamacpp_cache(mr_getenv_fn getenv_fn);

/*
 * GGUF shard names "<stem>-00001-of-00003.gguf": true with the shard
 * number, the count and the stem length when NAME is one.
 */
bool	 mr_gguf_shard(const char *name, unsigned *index, unsigned *count,
	    size_t *stem_len);
/*
 * The quantization a GGUF file name states ("Q4_K_M", "IQ2_XXS", "F16",
 * "BF16", "MXFP4"), matched case-insensitively between separators, into
 * OUT (upper case).  False when none.
 */
bool	 mr_gguf_name_quant(const char *name, char *out, size_t n);

#endif

/*
 * GGUF header reader: the facts a model scan needs from a .gguf file's
 * metadata (architecture, sizes, trained context, attention layout, chat
 * template capabilities), read with bounded reads and never the tensors.
 *
 * Input is untrusted: every count and length is checked against the bytes
 * that remain, nothing is allocated from a count, and a hostile header
 * gives an error, not a crash.
 */
#ifndef MR_GGUF_H
#define MR_GGUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mr/util.h"

struct mr_gguf_info {
	uint32_t	 version;
	uint64_t	 tensor_count;
	uint64_t	 kv_count;
	char		 architecture[64];	/* general.architecture */
	char		 name[256];		/* general.name */
	char		 basename[128];
	char		 finetune[128];
	char		 size_label[32];	/* e.g. "8B", "30B-A3B" */
	int64_t		 file_type;		/* general.file_type, -1 */
	uint32_t	 alignment;		/* general.alignment, 32 */
	/* <architecture>.* keys; 0 when absent */
	uint64_t	 context_length;	/* trained context */
	uint64_t	 block_count;		/* layers */
	uint64_t	 embedding_length;
	uint64_t	 feed_forward_length;
	uint64_t	 head_count;
	uint64_t	 head_count_kv;		/* largest value when per layer */
	uint64_t	 kv_layers;		/* layers with KV heads (per-layer
						   arrays), else 0 */
	uint64_t	 key_length;
	uint64_t	 value_length;
	uint64_t	 sliding_window;
	uint64_t	 expert_count;
	uint64_t	 expert_used_count;
	uint64_t	 full_attention_interval;
	/* tokenizer.chat_template */
	bool		 has_chat_template;
	bool		 template_tools;	/* mentions tools or tool_call */
	bool		 template_tool_round_trip;
	bool		 template_thinking;	/* <think> and </think> */
	bool		 embedding;		/* a pooling_type key */
	/* from the tensor infos (MR_GGUF_TENSORS) */
	bool		 have_params;
	uint64_t	 param_count;
	uint64_t	 header_bytes;		/* bytes of metadata read */
};

enum {
	MR_GGUF_TENSORS = 1 << 0	/* also read tensor infos */
};

/* Reads the header of the GGUF held in BUF (LEN bytes). 0 or -1. */
int	 mr_gguf_read_mem(const void *buf, size_t len, unsigned flags,
	    struct mr_gguf_info *out, struct mr_error *err);
/* Reads the header of the file at PATH. 0 or -1. */
int	 mr_gguf_read_file(const char *path, unsigned flags,
	    struct mr_gguf_info *out, struct mr_error *err);

/* "Q4_K_M" for a general.file_type value, NULL when unknown. */
const char *mr_gguf_file_type_name(int64_t file_type);

#endif

/** Posts in memory, and who may see them. */
import { randomUUID } from "node:crypto";
import type { GatehouseIdentity } from "@gatehouse/subgraph";

export interface Post {
  id: string;
  /** The Gatehouse user id of the author. */
  authorId: string;
  title: string;
  body: string;
  /** Drafts (false) are visible to their author and to admins only. */
  published: boolean;
}

export interface PostStore {
  /** Posts the viewer may see, optionally of one author only, newest first. */
  visibleTo(viewer: GatehouseIdentity | null, authorId?: string): Post[];
  create(input: Omit<Post, "id">): Post;
}

/** Seeded for the first two users Gatehouse creates (ids 1 and 2): one published post and one draft each. */
export const SAMPLE_POSTS: Omit<Post, "id">[] = [
  { authorId: "1", title: "Hello, federation", body: "Gatehouse owns User; this subgraph adds posts.", published: true },
  { authorId: "1", title: "Draft: rotating keys", body: "Publish the next key before it signs.", published: false },
  { authorId: "2", title: "Notes on audiences", body: "Each subgraph gets tokens addressed to it.", published: true },
  { authorId: "2", title: "Draft: why 60 seconds", body: "A short token needs no revocation list.", published: false },
];

export function createPostStore(seed: Omit<Post, "id">[] = SAMPLE_POSTS): PostStore {
  const posts: Post[] = [];
  const create = (input: Omit<Post, "id">) => {
    const post = { id: randomUUID(), ...input };
    posts.unshift(post);
    return post;
  };
  for (const input of [...seed].reverse()) create(input);

  return {
    create,
    visibleTo(viewer, authorId) {
      return posts.filter((post) => (authorId === undefined || post.authorId === authorId) && canSee(viewer, post));
    },
  };
}

function canSee(viewer: GatehouseIdentity | null, post: Post): boolean {
  if (post.published) return true;
  if (!viewer) return false;
  return viewer.userId === post.authorId || viewer.roles.includes("admin");
}

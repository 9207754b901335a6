/**
 * The user an image runs as (upstream's getImageUser in
 * pkg/kubelet/kuberuntime/kuberuntime_container.go), for runAsNonRoot and
 * the container's default user.
 */
import type { ImageService } from '../runtime/cri/services.js';
import type { ImageUser } from './security-context.js';

/** ImageStatus's uid, else its user name; an image that says neither (or is unknown) runs as root, uid 0. */
export async function imageUser(images: ImageService, image: string): Promise<ImageUser> {
  const s = (await images.imageStatus({ image })).image;
  if (s?.uid) return { uid: s.uid.value };
  if (s?.username) return { username: s.username };
  return { uid: 0 };
}

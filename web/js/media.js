// SPDX-License-Identifier: Apache-2.0
// media.js: media in the console are blurred until a person chooses to see them (staff
// wellbeing: propaganda images and videos are often violent). blurredMedia() wraps an image in
// a button; one click reveals it, another blurs it again. The blur is the CSS class
// "media-blur" (css/console.css), so a screen never shows an unblurred medium by accident.
import { h } from './dom.js';

export function blurredMedia(src, alt) {
  const img = h('img', { src, alt: alt || 'medium', loading: 'lazy', referrerpolicy: 'no-referrer' });
  const label = h('span', { class: 'media-label' }, 'Click to reveal');
  const box = h('button', { type: 'button', class: 'media media-blur', 'aria-pressed': 'false' },
    img, label);
  box.addEventListener('click', () => {
    const hidden = box.classList.toggle('media-blur');
    box.setAttribute('aria-pressed', hidden ? 'false' : 'true');
    label.textContent = hidden ? 'Click to reveal' : 'Click to blur';
  });
  return box;
}

// The alikms console's only script: every page works without it. It asks before destructive forms are sent
// (data-confirm) and submits a selector's form when its value changes (data-autosubmit).
'use strict';
document.addEventListener('submit', (event) => {
  const message = event.target.getAttribute('data-confirm');
  if (message && !window.confirm(message)) event.preventDefault();
});
document.addEventListener('change', (event) => {
  if (event.target.hasAttribute('data-autosubmit')) event.target.form.requestSubmit();
});

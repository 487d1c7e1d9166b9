/**
 * The workspace's only script, and an optional one: drag-and-drop onto the upload form, and checking the record
 * form while it is filled in. The check asks the server, which answers with the standard's own rules and messages,
 * so the browser never holds a second copy of them. Without it every page works the same, just on submit.
 */
export const WORKSPACE_SCRIPT = `(() => {
  'use strict';
  const upload = document.querySelector('form[data-drop]');
  if (upload) {
    const input = upload.querySelector('input[type=file]');
    const hint = document.createElement('p');
    hint.className = 'hint';
    hint.textContent = 'Soubor sem můžete také přetáhnout myší.';
    upload.insertBefore(hint, upload.firstChild);
    upload.addEventListener('dragover', (event) => { event.preventDefault(); upload.classList.add('dropping'); });
    upload.addEventListener('dragleave', () => upload.classList.remove('dropping'));
    upload.addEventListener('drop', (event) => {
      event.preventDefault();
      upload.classList.remove('dropping');
      if (event.dataTransfer && event.dataTransfer.files.length > 0) { input.files = event.dataTransfer.files; input.focus(); }
    });
  }
  const form = document.querySelector('form[data-check]');
  if (!form) return;
  const touched = new Set();
  let timer = null;
  const show = (issues) => {
    for (const field of form.querySelectorAll('.ws-field')) {
      const control = field.querySelector('input, select, textarea');
      if (!control || !control.name || !touched.has(control.name)) continue;
      const found = issues.filter((issue) => issue.name === control.name);
      let box = field.querySelector('.field-problem');
      if (found.length === 0) {
        if (box) box.remove();
        control.removeAttribute('aria-invalid');
        continue;
      }
      if (!box) {
        box = document.createElement('p');
        box.className = 'field-problem';
        box.id = control.id + '-chyba';
        box.setAttribute('aria-live', 'polite');
        field.insertBefore(box, control);
        control.setAttribute('aria-describedby', box.id + ' ' + (control.getAttribute('aria-describedby') || ''));
      }
      box.textContent = found.map((issue) => (issue.severity === 'error' ? 'Chyba: ' : 'Varování: ') + issue.message).join(' ');
      if (found.some((issue) => issue.severity === 'error')) control.setAttribute('aria-invalid', 'true');
    }
  };
  const check = async () => {
    const data = new FormData(form);
    data.delete('_priloha');
    const response = await fetch(form.dataset.check, { method: 'POST', body: new URLSearchParams(data), headers: { accept: 'application/json' } });
    if (response.ok) show((await response.json()).issues);
  };
  form.addEventListener('change', (event) => {
    if (event.target && event.target.name) touched.add(event.target.name);
    clearTimeout(timer);
    timer = setTimeout(() => { check().catch(() => undefined); }, 250);
  });
})();
`;

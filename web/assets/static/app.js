// why401 serve: progressive enhancement only. Every form works without this
// script (the server renders every result and every error); it adds the HAR
// drop zone, refuses a file over the upload limit before sending a byte of
// it, and shows a "working" state on submit. No network access of its own,
// no storage, nothing from another origin (the Content-Security-Policy
// allows this file and nothing else).
(function () {
  'use strict';

  // say puts a message in a form's alert, creating it when the page has
  // none (the server writes one only after a refused submission).
  function say(form, text) {
    var alert = form.querySelector('.alert');
    if (!alert) {
      alert = document.createElement('p');
      alert.className = 'alert';
      alert.setAttribute('role', 'alert');
      form.insertBefore(alert, form.firstElementChild.nextSibling);
    }
    alert.textContent = text;
  }

  function size(n) {
    if (n >= 1 << 30) {
      return (n / (1 << 30)).toFixed(1) + ' GiB';
    }
    return Math.round(n / (1 << 20)) + ' MiB';
  }

  // A submitted form says it is working and cannot be sent twice. A
  // submission another handler cancelled (a file too large) is left alone.
  document.querySelectorAll('form.busy-form').forEach(function (form) {
    form.addEventListener('submit', function (e) {
      setTimeout(function () {
        if (e.defaultPrevented) {
          return;
        }
        var button = form.querySelector('button[type=submit]');
        var status = form.querySelector('.status');
        if (button) {
          // Disabled after the submission has been built, so the form
          // is still sent; a second click does nothing.
          button.disabled = true;
          button.textContent = button.getAttribute('data-busy') || 'Working…';
        }
        if (status) {
          status.textContent = form.id === 'har-form'
            ? 'Reading the file…'
            : 'Diagnosing… this takes a round trip or two.';
        }
      }, 0);
    });
  });

  // Pages restored from the back-forward cache come back enabled.
  window.addEventListener('pageshow', function (e) {
    if (!e.persisted) {
      return;
    }
    document.querySelectorAll('form.busy-form button[type=submit]').forEach(function (b) {
      b.disabled = false;
    });
  });

  // A file dropped anywhere else must not replace the page with its content.
  ['dragover', 'drop'].forEach(function (type) {
    window.addEventListener(type, function (e) { e.preventDefault(); });
  });

  var zone = document.getElementById('drop');
  var input = document.getElementById('har-file');
  var form = document.getElementById('har-form');
  if (!zone || !input || !form) {
    return;
  }
  var max = parseInt(form.getAttribute('data-max-upload') || '0', 10);

  // tooBig refuses a file over the server's limit here, instantly: the
  // server would refuse it too, but only once the browser starts sending.
  function tooBig(file) {
    if (!file || !max || file.size <= max) {
      return false;
    }
    say(form, 'This file is ' + size(file.size) + ', over the ' + size(max) +
      ' upload limit. Export only the requests around the 401 (DevTools: filter, then Save all as HAR), ' +
      'or run `why401 har FILE` on the command line, which has no limit.');
    return true;
  }

  form.addEventListener('submit', function (e) {
    if (tooBig(input.files && input.files[0])) {
      e.preventDefault();
    }
  });
  input.addEventListener('change', function () {
    tooBig(input.files && input.files[0]);
  });

  zone.classList.add('enhanced');
  ['dragenter', 'dragover'].forEach(function (type) {
    zone.addEventListener(type, function (e) {
      e.preventDefault();
      zone.classList.add('over');
    });
  });
  ['dragleave', 'dragend'].forEach(function (type) {
    zone.addEventListener(type, function () { zone.classList.remove('over'); });
  });
  zone.addEventListener('drop', function (e) {
    e.preventDefault();
    zone.classList.remove('over');
    var files = e.dataTransfer && e.dataTransfer.files;
    if (!files || files.length === 0) {
      return;
    }
    if (files.length > 1) {
      say(form, 'Drop one HAR file at a time.');
      return;
    }
    if (tooBig(files[0])) {
      return;
    }
    input.files = files;
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  });
})();

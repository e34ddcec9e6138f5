/*
 * The public vote without a page load: each "投一票" form is posted with fetch and
 * ``Accept: application/json`` (contests/views/voting.py, CastView). Accepted: the group is
 * marked as voted today, its buttons go, the candidate's count goes up by one (the public
 * count catches up within seconds) and the status line says so. "verify": the browser has
 * no proof for today, so it goes to the verification page, which casts the waiting vote
 * once the code is right. Anything else: the server's message in the status line.
 *
 * Without JavaScript (or if fetch fails) the forms post as they are, answered with a redirect
 * back to this page and the same message.
 */
(function () {
  "use strict";

  var status = document.querySelector("[data-vote-status]");
  var forms = document.querySelectorAll("form[data-vote-form]");
  if (!status || !forms.length || !window.fetch) {
    return;
  }

  function say(message, ok) {
    status.textContent = message || "";
    status.classList.toggle("text-success", !!ok);
    status.classList.toggle("text-danger", !ok);
  }

  function markVoted(form, counted) {
    var section = form.closest("section");
    var card = form.closest(".candidate-card");
    var count = card && card.querySelector("[data-votes]");
    if (count && counted) {
      var total = parseInt(count.getAttribute("data-votes"), 10) + 1;
      count.setAttribute("data-votes", String(total));
      count.textContent = count.textContent.replace(/\d+/, String(total));
    }
    if (section) {
      var badge = section.querySelector("[data-voted-badge]");
      if (badge) {
        badge.hidden = false;
      }
      section.querySelectorAll("form[data-vote-form]").forEach(function (other) {
        other.remove();
      });
    }
  }

  function submit(event) {
    var form = event.currentTarget;
    var button = form.querySelector("button");
    event.preventDefault();
    if (button.disabled) {
      return; // one request at a time: a double tap is not a second vote
    }
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          return { status: response.status, answer: answer };
        });
      })
      .then(function (result) {
        var answer = result.answer;
        if (answer.accepted) {
          say(answer.message, true);
          markVoted(form, true);
          return;
        }
        if (answer.code === "verify" && answer.verify_url) {
          window.location.assign(answer.verify_url);
          return;
        }
        say(answer.message, false);
        if (answer.code === "again") {
          markVoted(form, false);
        }
        button.disabled = false;
      })
      .catch(function () {
        form.submit(); // the plain form post says what happened
      });
  }

  forms.forEach(function (form) {
    form.addEventListener("submit", submit);
  });
})();

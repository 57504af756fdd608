# Mostrador's web UI in English.

language-name = English
language-label = Language

## Navigation

nav-inbox = Inbox
nav-stores = Stores
nav-logout = Log out
role-admin = Admin
role-agent = Agent

## Login

login-title = Log in
login-email = E-mail
login-password = Password
login-submit = Log in
login-wrong = Wrong e-mail or password.
login-throttled = Too many attempts. Try again in { $seconds } seconds.

## Inbox

inbox-title = Inbox
inbox-conversations = Conversations
inbox-empty = No conversations yet.
inbox-select = Select a conversation.
inbox-answered = answered
filter-store = Store
filter-all-stores = All stores
filter-category = Category
filter-all-categories = All categories
filter-status = Status
filter-any-status = Any status
filter-submit = Filter
category-pre_sale_question = Pre-sale · Questions & Answers
category-post_sale_help = Post-sale · Help
category-claim = Claim
badge-pre_sale_question = Q&A
badge-post_sale_help = Help
badge-claim = Claim
status-open = Open
status-waiting = Waiting
status-resolved = Resolved
waiting-now = just now
waiting-minutes = { $n } min
waiting-hours = { $n } h
waiting-days = { $n } d

## Conversation

thread-label = Conversation
author-buyer = Buyer
author-agent = Agent
author-bot = Bot
author-mediator = Mediator
author-seller = Seller (on Mercado Libre)
delivery-received = received
delivery-pending = pending
delivery-sent = sent
delivery-failed = failed
composer-placeholder = Write the answer…
composer-send = Send answer
locked-answered = This question already has its answer: Mercado Libre allows one answer per question.
locked-closed_unanswered = The listing closed before this question was answered: Mercado Libre no longer accepts an answer.
locked-deleted = This question was deleted on Mercado Libre.
locked-banned = This question was removed by Mercado Libre's moderation.
locked-disabled = This question is disabled on Mercado Libre.
context-label = Context
context-origin = Origin
context-category = Category
context-store = Store
context-buyer = Buyer
context-store-time = Store time
context-view-listing = View listing on Mercado Libre
origin-meli = Mercado Libre

## Stores

stores-title = Stores
stores-col-store = Store
stores-col-seller = Seller id
stores-col-site = Site
stores-col-currency = Currency
stores-col-connection = Connection
stores-empty = No store connected yet.
stores-disconnect = Disconnect
stores-connect-title = Connect a Mercado Libre store
stores-country = Country
stores-connect-submit = Connect with Mercado Libre
health-connected = Connected
health-needs_reauth = Needs to be connected again
health-disconnected = Disconnected
country-MLB = Brazil
country-MLA = Argentina
country-MLM = Mexico
country-MLC = Chile
country-MCO = Colombia
country-MLU = Uruguay
country-MPE = Peru
country-MEC = Ecuador
country-MLV = Venezuela
country-MCR = Costa Rica
country-MPA = Panama
country-MRD = Dominican Republic
country-MBO = Bolivia
country-MPY = Paraguay

## Errors

error-title = Something went wrong
error-back = Back to the inbox
error-generic = Something went wrong; please try again.
error-already_answered = This question already has its answer: Mercado Libre allows one answer per question.
error-empty = The answer is empty.
error-too_long = The answer is longer than the { $limit } characters Mercado Libre accepts.
error-wrong_channel = This conversation cannot be answered with a question answer.
error-not_authorized = Mercado Libre did not authorize the connection.
error-invalid_callback = Mercado Libre's answer lacked the authorization code; connect the store again.
error-invalid_state = This authorization link expired or was already used; connect the store again.
error-authorization_failed = Mercado Libre refused the authorization; connect the store again.
error-offline_access_missing = Mercado Libre returned no refresh token: enable offline_access for this application.
error-connect-forbidden = Only the admin who started connecting the store can finish it.
error-forbidden = You are not allowed to do this.
error-unauthorized = Log in to continue.
error-not_found = This page does not exist.
error-method_not_allowed = This address does not accept that kind of request.
error-invalid_request = The request is not valid.
error-invalid_filter = One of the filters is not valid.
error-payload_too_large = What you sent is too large.
error-unsupported_media_type = What you sent is not in a format accepted here.
error-timeout = The server took too long to answer; please try again.
error-too_many_requests = Too many attempts. Try again in { $seconds } seconds.

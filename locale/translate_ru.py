"""Fill locale/ru/LC_MESSAGES/django.po from the table below (run by `make messages`).

Keeping the Russian strings in one reviewed table lets `makemessages` rebuild
the catalogue without losing them.
"""

import sys
from pathlib import Path

import polib

RU = {
    "English": "Английский",
    "Russian": "Русский",
    "Personal info": "Личные данные",
    "Permissions": "Права",
    "Blocking": "Блокировка",
    "Important dates": "Важные даты",
    "Accounts": "Учётные записи",
    "First name": "Имя",
    "Last name": "Фамилия",
    "Name": "Название",
    "Email address": "Адрес электронной почты",
    "Role": "Роль",
    "Reason": "Причина",
    "You joined “%(name)s”.": "Вы вступили в «%(name)s».",
    "email address": "адрес электронной почты",
    "default workspace": "рабочее пространство по умолчанию",
    "blocked at": "заблокирован",
    "reason for blocking": "причина блокировки",
    "name": "название",
    "role": "роль",
    "Owner": "Владелец",
    "Admin": "Администратор",
    "Editor": "Редактор",
    "Approver": "Согласующий",
    "Viewer": "Наблюдатель",
    "Marketer": "Маркетолог",
    "Operator": "Оператор",
    "Sales manager": "Менеджер по продажам",
    "See the workspace": "Видеть рабочее пространство",
    "Rename and configure the workspace": "Переименовывать и настраивать рабочее пространство",
    "Delete the workspace": "Удалять рабочее пространство",
    "Invite, change and remove members": "Приглашать, менять и удалять участников",
    "See subscribers, lists and segments": "Видеть подписчиков, списки и сегменты",
    "Change subscribers, lists and segments": "Менять подписчиков, списки и сегменты",
    "Write messages and templates": "Писать письма и шаблоны",
    "Create and schedule campaigns": "Создавать и планировать рассылки",
    "Approve or reject campaigns": "Одобрять и отклонять рассылки",
    "Send, pause and cancel campaigns": "Запускать, приостанавливать и отменять рассылки",
    "Configure sending relays": "Настраивать почтовые серверы отправки",
    "See reports": "Видеть отчёты",
    "See leads, contracts and customers": "Видеть лиды, договоры и клиентов",
    "Change leads, contracts and customers": "Менять лиды, договоры и клиентов",
    "%(name)s's workspace": "Пространство %(name)s",
    "You are not a member of that workspace.": "Вы не участник этого рабочего пространства.",
    "You cannot grant that role.": "Вы не можете назначить эту роль.",
    "This person is already a member.": "Этот человек уже участник.",
    "This invitation was sent to %(email)s; sign in with that address to accept it.": "Приглашение отправлено на %(email)s; войдите с этим адресом, чтобы принять его.",
    "This invitation has already been used or was withdrawn.": "Это приглашение уже использовано или отозвано.",
    "Unknown role.": "Неизвестная роль.",
    "You cannot change this member to or from that role.": "Вы не можете назначить или снять эту роль у этого участника.",
    "You cannot remove a member with that role.": "Вы не можете удалить участника с этой ролью.",
    "You may not block users.": "Вам нельзя блокировать пользователей.",
    "You cannot block yourself.": "Нельзя заблокировать самого себя.",
    "Only a superuser can block a superuser.": "Только суперпользователь может заблокировать суперпользователя.",
    "Say why the user is blocked.": "Укажите причину блокировки.",
    "You may not unblock users.": "Вам нельзя разблокировать пользователей.",
    "Your role in this workspace does not allow this.": "Ваша роль в этом рабочем пространстве этого не позволяет.",
    "That belongs to another workspace.": "Это принадлежит другому рабочему пространству.",
    "A workspace needs at least one owner.": "У рабочего пространства должен быть хотя бы один владелец.",
    "%(email)s is blocked.": "%(email)s заблокирован.",
    "%(email)s is unblocked.": "%(email)s разблокирован.",
    "Dashboard": "Обзор",
    "You are %(role)s in this workspace.": "Ваша роль в этом рабочем пространстве: %(role)s.",
    "Campaigns": "Рассылки",
    "Active campaigns": "Активные рассылки",
    "Subscribers": "Подписчики",
    "Upcoming runs": "Ближайшие запуски",
    "Getting started": "С чего начать",
    "Your workspace is ready. Audiences, messages and campaigns arrive in the next releases; meanwhile you can invite your colleagues.": "Ваше рабочее пространство готово. Аудитории, письма и рассылки появятся в следующих версиях; а пока можно пригласить коллег.",
    "Members": "Участники",
    "%(inviter)s invited you to the workspace “%(name)s” on Postroom as %(role)s.": "%(inviter)s приглашает вас в рабочее пространство «%(name)s» в Postroom с ролью «%(role)s».",
    "Open this link to accept (it is valid for 7 days):": "Чтобы принять приглашение, откройте ссылку (она действует 7 дней):",
    "You are invited to join “%(name)s” on Postroom": "Приглашение в «%(name)s» в Postroom",
    "Invitation": "Приглашение",
    "Join “%(name)s”": "Вступить в «%(name)s»",
    "%(inviter)s invited %(email)s as %(role)s.": "%(inviter)s приглашает %(email)s с ролью «%(role)s».",
    "Accept the invitation": "Принять приглашение",
    "Sign up or log in with the invited address to accept.": "Зарегистрируйтесь или войдите с приглашённым адресом, чтобы принять приглашение.",
    "Sign up": "Регистрация",
    "Log in": "Войти",
    "This invitation is not valid": "Приглашение недействительно",
    "It may have expired, been used already, or been withdrawn. Ask the person who invited you to send a new one.": "Возможно, срок его действия истёк, оно уже использовано или отозвано. Попросите пригласившего прислать новое.",
    "Email": "Эл. почта",
    "Change": "Изменить",
    "Leave": "Выйти из пространства",
    "Remove": "Удалить",
    "Invite a colleague": "Пригласить коллегу",
    "Send invitation": "Отправить приглашение",
    "Open invitations": "Открытые приглашения",
    "Withdraw": "Отозвать",
    "None.": "Нет.",
    "Profile": "Профиль",
    "Save": "Сохранить",
    "Change password": "Сменить пароль",
    "Email addresses": "Адреса электронной почты",
    "API token": "Токен API",
    "You have no API token yet.": "У вас пока нет токена API.",
    "Send it as “Authorization: Token …”. Creating a new one revokes the old one.": "Передавайте его в заголовке «Authorization: Token …». Новый токен отменяет старый.",
    "Create a new token": "Создать новый токен",
    "Create a token": "Создать токен",
    "Users": "Пользователи",
    "Email, name or workspace": "Почта, имя или рабочее пространство",
    "All users": "Все пользователи",
    "Blocked": "Заблокирован",
    "Not blocked": "Не заблокирован",
    "Filter": "Отфильтровать",
    "Workspaces": "Рабочие пространства",
    "Joined": "Регистрация",
    "Status": "Статус",
    "Unblock": "Разблокировать",
    "Block": "Заблокировать",
    "Active": "Активен",
    "New workspace": "Новое рабочее пространство",
    "You are not a member of any workspace. Create one, or ask a colleague to invite you.": "Вы не состоите ни в одном рабочем пространстве. Создайте своё или попросите коллегу пригласить вас.",
    "Create": "Создать",
    "Workspace settings": "Настройки рабочего пространства",
    "Your profile was saved.": "Профиль сохранён.",
    "A new API token was created; the old one no longer works.": "Создан новый токен API; старый больше не действует.",
    "Workspace “%(name)s” created.": "Рабочее пространство «%(name)s» создано.",
    "Now working in “%(name)s”.": "Теперь вы работаете в «%(name)s».",
    "Workspace saved.": "Рабочее пространство сохранено.",
    "Invitation sent to %(email)s.": "Приглашение отправлено на %(email)s.",
    "Choose a valid role.": "Выберите допустимую роль.",
    "Role of %(email)s changed.": "Роль %(email)s изменена.",
    "You left the workspace.": "Вы вышли из рабочего пространства.",
    "%(email)s was removed.": "%(email)s удалён из участников.",
    "Invitation withdrawn.": "Приглашение отозвано.",
    "Preview": "Предпросмотр",
    "Publish selected posts": "Опубликовать выбранные записи",
    "Unpublish selected posts": "Снять выбранные записи с публикации",
    "Blog": "Блог",
    "title": "заголовок",
    "slug": "адрес",
    "body (Markdown)": "текст (Markdown)",
    "image": "изображение",
    "views": "просмотры",
    "publication date": "дата публикации",
    "published": "опубликовано",
    "post": "запись",
    "posts": "записи",
    "Preview: this post is not published.": "Предпросмотр: запись не опубликована.",
    "All posts": "Все записи",
    "No posts yet.": "Записей пока нет.",
    "Postroom administration": "Администрирование Postroom",
    "Postroom admin": "Админка Postroom",
    "Email campaigns you host yourself": "Email-рассылки на вашем собственном сервере",
    "Postroom keeps your audience, writes and schedules your newsletters, delivers them reliably through your own mail relays and shows you what happened.": "Postroom хранит вашу аудиторию, помогает писать и планировать рассылки, надёжно доставляет их через ваши почтовые серверы и показывает результат.",
    "Create an account": "Создать учётную запись",
    "From the blog": "Из блога",
    "Pages": "Страницы",
    "Previous": "Назад",
    "Page %(n)s of %(total)s": "Страница %(n)s из %(total)s",
    "Next": "Вперёд",
    "Account blocked": "Учётная запись заблокирована",
    "This account has been blocked by the platform's staff and cannot sign in. If you think this is a mistake, contact the administrator of this Postroom.": "Эта учётная запись заблокирована сотрудниками платформы, вход невозможен. Если это ошибка, свяжитесь с администратором этого Postroom.",
    "Menu": "Меню",
    "Settings": "Настройки",
    "Blog admin": "Управление блогом",
    "No workspace": "Нет рабочего пространства",
    "Log out": "Выйти",
    "Language": "Язык",
    "Go": "Перейти",
    "Close": "Закрыть",
}

RU_PLURAL = {
    "%(counter)s view": ["%(counter)s просмотр", "%(counter)s просмотра", "%(counter)s просмотров"],
}


def main(path: str) -> int:
    po = polib.pofile(path)
    po.metadata["Language"] = "ru"
    po.metadata["Plural-Forms"] = (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);"
    )
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    missing = []
    for entry in po:
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
        if entry.msgid_plural:
            forms = RU_PLURAL.get(entry.msgid)
            if forms:
                entry.msgstr_plural = dict(enumerate(forms))
            else:
                missing.append(entry.msgid)
        elif entry.msgid in RU:
            entry.msgstr = RU[entry.msgid]
        else:
            missing.append(entry.msgid)
    po.save(path)
    for msgid in missing:
        print(f"untranslated: {msgid!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(
        main(
            sys.argv[1]
            if len(sys.argv) > 1
            else str(Path(__file__).parent / "ru/LC_MESSAGES/django.po")
        )
    )
